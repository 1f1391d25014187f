/** Pure-Java maths of HALP: layer specs, receptive fields, fused blocks and segment plans. */
package dev.halp.partitioner;
