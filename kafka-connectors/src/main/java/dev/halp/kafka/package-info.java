/** Frame and result records, Kafka (de)serialisation, source/sink builders and the local broker. */
package dev.halp.kafka;
