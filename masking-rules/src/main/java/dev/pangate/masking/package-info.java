/** The policy model, its YAML loader and validator, the mask functions and the FF1 PAN tokenizer. */
package dev.pangate.masking;
