package dev.gateway.sip.store;

import com.google.protobuf.Message;
import java.io.IOException;
import java.util.List;
import livekit.LivekitSip.SIPDispatchRuleInfo;
import livekit.LivekitSip.SIPInboundTrunkInfo;
import livekit.LivekitSip.SIPOutboundTrunkInfo;

/**
 * Where {@link SipStore} keeps the entries created through the SIP API: a file of this node
 * ({@link SipStoreFile}, the default) or the Redis that nodes share ({@link SipStoreRedis}). The store calls it
 * under its lock; implementations need not be thread-safe for those calls.
 */
interface SipStorage {

    /** The three tables, named as in the data file and the Redis keys. */
    enum Table {
        INBOUND("inbound"), OUTBOUND("outbound"), RULES("rules");

        final String key;

        Table(String key) {
            this.key = key;
        }
    }

    /** What the storage holds: the API's entries only, never the configuration file's. */
    record Contents(List<SIPInboundTrunkInfo> inbound, List<SIPOutboundTrunkInfo> outbound,
                    List<SIPDispatchRuleInfo> rules) {
        static final Contents EMPTY = new Contents(List.of(), List.of(), List.of());

        public Contents {
            inbound = List.copyOf(inbound);
            outbound = List.copyOf(outbound);
            rules = List.copyOf(rules);
        }
    }

    /** One entry written ({@code value} set) or deleted ({@code value} null). */
    record Change(Table table, String id, Message value) {
    }

    /** All stored entries. */
    Contents read() throws IOException;

    /**
     * Makes {@code change} durable; {@code after} is the whole of this node's API entries with the change applied
     * (a file rewrites it, Redis writes only the change, so concurrent changes on other nodes are kept). On
     * failure nothing is changed.
     */
    void write(Change change, Contents after) throws IOException;

    /** For logs and errors: the file's path or the Redis address. */
    String describe();
}
