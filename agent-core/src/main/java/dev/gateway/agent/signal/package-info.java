/**
 * LiveKit signalling and server API for the gateway's room participants.
 *
 * <p>{@link dev.gateway.agent.signal.SignalClient} speaks the {@code /rtc} WebSocket protocol (protobuf
 * {@code SignalRequest}/{@code SignalResponse}, classic two-peer-connection mode) for one participant, on the
 * one event loop of a {@link dev.gateway.agent.signal.SignalNetwork} that all calls share (Netty's HTTP codec and
 * WebSocket client; {@link dev.gateway.agent.signal.SignalSocketHandler} frames, the client interprets);
 * {@link dev.gateway.agent.signal.Tokens} signs the participant's JWT (kind {@code sip}, attributes, agents to
 * dispatch); {@link dev.gateway.agent.signal.RoomApi} wraps the blocking Twirp room and agent-dispatch services.
 * This package knows no SIP and no media; the WebRTC peer connections that use the SDP and candidates live
 * elsewhere. Each type's javadoc says which threads may use it.
 */
package dev.gateway.agent.signal;
