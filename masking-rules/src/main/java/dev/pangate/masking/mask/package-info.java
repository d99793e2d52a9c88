/**
 * The run-time masks: {@link dev.pangate.masking.mask.MaskFactory} compiles a policy's column masks
 * once against the key ring into thread-safe {@link dev.pangate.masking.mask.MaskFunction}s, among
 * them FF1 tokenization of PANs ({@link dev.pangate.masking.mask.Ff1PanTokenizer} over the radix-10
 * {@link dev.pangate.masking.mask.Ff1}).
 */
package dev.pangate.masking.mask;
