/** JMH benchmarks of the masks: FF1 tokenize and detokenize, truncate and keyed hashes. */
package dev.pangate.bench.masking;
