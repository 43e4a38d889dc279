package dev.gateway.media.webrtc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The parts of a remote WebRTC session description (JSEP, RFC 8829; unified plan, BUNDLE, rtcp-mux) that the
 * gateway's transport needs: ICE credentials, the DTLS fingerprint and role, and each m-section's mid, kind,
 * direction, Opus payload type and header-extension ids. Immutable; thread-safe.
 *
 * <p>This is a separate reader from {@code media.sdp} on purpose: that one is strict about the RTP/AVP offers SIP
 * trunks send; this one reads the WebRTC dialect (m=application data channels, SAVPF, session-level ICE
 * attributes) and ignores what it does not need.
 */
public record WebRtcDescription(String iceUfrag, String icePwd, String fingerprintAlgorithm, String fingerprint,
                                String setup, List<Section> sections, List<String> candidates) {

    /** Header extension the room uses to see who speaks (RFC 6464). */
    public static final String AUDIO_LEVEL_URI = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";

    public WebRtcDescription {
        sections = List.copyOf(sections);
        candidates = List.copyOf(candidates);
    }

    /**
     * One m-section.
     *
     * @param kind            "audio", "video" or "application"
     * @param port            0 when the section is rejected
     * @param opusPayloadType the Opus payload type, or -1
     * @param direction       sendrecv, sendonly, recvonly or inactive
     * @param extensions      header-extension URI to id
     * @param formats         the m-line's format list as written (payload types, or "webrtc-datachannel")
     */
    public record Section(String kind, String mid, int port, String protocol, List<String> formats,
                          int opusPayloadType, String direction, Map<String, Integer> extensions, String sctpPort) {
        public Section {
            formats = List.copyOf(formats);
            extensions = Map.copyOf(extensions);
        }

        public boolean rejected() {
            return port == 0;
        }
    }

    /** Reads an SDP offer or answer from LiveKit (pion). */
    public static WebRtcDescription parse(String sdp) throws WebRtcException {
        String ufrag = null;
        String pwd = null;
        String fpAlg = null;
        String fp = null;
        String setup = null;
        List<Section> sections = new ArrayList<>();
        List<String> candidates = new ArrayList<>();
        SectionBuilder current = null;
        int lineNo = 0;
        for (String raw : sdp.split("\r?\n")) {
            lineNo++;
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.length() < 2 || line.charAt(1) != '=') {
                throw new WebRtcException("SDP line " + lineNo + " is not <type>=<value>: " + line);
            }
            if (line.startsWith("m=")) {
                if (current != null) {
                    sections.add(current.build());
                }
                current = new SectionBuilder(line.substring(2), lineNo);
                continue;
            }
            if (!line.startsWith("a=")) {
                continue;
            }
            String attr = line.substring(2);
            String name = attr;
            String value = "";
            int colon = attr.indexOf(':');
            if (colon > 0) {
                name = attr.substring(0, colon);
                value = attr.substring(colon + 1).strip();
            }
            switch (name) {
                case "ice-ufrag" -> ufrag = value;
                case "ice-pwd" -> pwd = value;
                case "fingerprint" -> {
                    String[] parts = value.split("\\s+", 2);
                    if (parts.length == 2) {
                        fpAlg = parts[0].toLowerCase(Locale.ROOT);
                        fp = parts[1].toUpperCase(Locale.ROOT);
                    }
                }
                case "setup" -> setup = value.toLowerCase(Locale.ROOT);
                case "candidate" -> candidates.add("candidate:" + value); // bundled: one transport for all sections
                default -> {
                    if (current != null) {
                        current.attribute(name, value);
                    }
                }
            }
        }
        if (current != null) {
            sections.add(current.build());
        }
        if (ufrag == null || pwd == null) {
            throw new WebRtcException("SDP has no a=ice-ufrag/a=ice-pwd");
        }
        if (fp == null || !"sha-256".equals(fpAlg)) {
            throw new WebRtcException("SDP has no a=fingerprint:sha-256 (got " + fpAlg + ")");
        }
        return new WebRtcDescription(ufrag, pwd, fpAlg, fp, setup == null ? "actpass" : setup, sections, candidates);
    }

    /** First section of a kind that is not rejected, or null. */
    public Section firstOf(String kind) {
        for (Section s : sections) {
            if (s.kind().equals(kind) && !s.rejected()) {
                return s;
            }
        }
        return null;
    }

    private static final class SectionBuilder {
        private final String kind;
        private final int port;
        private final String protocol;
        private final List<String> formats = new ArrayList<>();
        private final Map<String, Integer> extensions = new LinkedHashMap<>();
        private String mid = "";
        private int opus = -1;
        private String direction = "sendrecv";
        private String sctpPort;

        SectionBuilder(String mLine, int lineNo) throws WebRtcException {
            String[] f = mLine.split("\\s+");
            if (f.length < 3) {
                throw new WebRtcException("SDP line " + lineNo + ": m= needs <media> <port> <proto> [fmt...]");
            }
            kind = f[0];
            try {
                port = Integer.parseInt(f[1].contains("/") ? f[1].substring(0, f[1].indexOf('/')) : f[1]);
            } catch (NumberFormatException e) {
                throw new WebRtcException("SDP line " + lineNo + ": bad port '" + f[1] + "'");
            }
            protocol = f[2];
            for (int i = 3; i < f.length; i++) {
                formats.add(f[i]);
            }
        }

        void attribute(String name, String value) {
            switch (name) {
                case "mid" -> mid = value;
                case "sendrecv", "sendonly", "recvonly", "inactive" -> direction = name;
                case "sctp-port" -> sctpPort = value;
                case "rtpmap" -> {
                    int sp = value.indexOf(' ');
                    if (sp > 0 && value.substring(sp + 1).toLowerCase(Locale.ROOT).startsWith("opus/48000")) {
                        try {
                            int pt = Integer.parseInt(value.substring(0, sp));
                            if (opus < 0) {
                                opus = pt;
                            }
                        } catch (NumberFormatException ignored) {
                            // a broken rtpmap line: not Opus for us
                        }
                    }
                }
                case "extmap" -> {
                    String[] p = value.split("\\s+");
                    if (p.length >= 2) {
                        try {
                            int id = Integer.parseInt(p[0].contains("/") ? p[0].substring(0, p[0].indexOf('/')) : p[0]);
                            extensions.put(p[1], id);
                        } catch (NumberFormatException ignored) {
                            // unusable extmap: ignored
                        }
                    }
                }
                default -> {
                }
            }
        }

        Section build() {
            return new Section(kind, mid, port, protocol, formats, opus, direction, extensions, sctpPort);
        }
    }
}
