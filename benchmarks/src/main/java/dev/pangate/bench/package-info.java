/** JMH benchmarks of pangate's hot paths. */
package dev.pangate.bench;
