/**
 * Key custody: the {@link dev.pangate.masking.keys.KeyRing} of named Tink keysets, the
 * key-encryption key that protects them, and the generator and command line that create them.
 */
package dev.pangate.masking.keys;
