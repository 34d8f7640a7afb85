package dev.pingscope.tcpinfo;

/**
 * What the kernel knows of one TCP connection's round trips (Linux {@code struct tcp_info}), in
 * microseconds: the smoothed RTT and its variance (RFC 6298, from the ACKs of data this end sent), the
 * lowest RTT seen over the connection's life, and the receiver-side estimate (from how fast data arrives,
 * the one figure a receiving end has). Bytes written but not yet sent are the sender's own queue.
 */
public record TcpInfo(long rttMicros, long rttVarMicros, long minRttMicros, long rcvRttMicros, long notSentBytes,
        long totalRetransmits, long segmentsOut, long segmentsIn) {

    /** The RTT of the end that sends the data: its own smoothed RTT when it sent any, else the receiver's estimate. */
    public long senderOrReceiverRttMicros(boolean thisEndSends) {
        return thisEndSends || rcvRttMicros == 0 ? rttMicros : rcvRttMicros;
    }
}
