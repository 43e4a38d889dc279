package dev.gateway.agent.signal;

import io.livekit.server.AgentDispatchServiceClient;
import io.livekit.server.RoomServiceClient;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import livekit.LivekitAgentDispatch;
import livekit.LivekitModels;
import okhttp3.OkHttpClient;
import okhttp3.ResponseBody;
import retrofit2.Call;
import retrofit2.Response;

/**
 * Blocking wrappers around LiveKit's Twirp services {@code livekit.RoomService} and
 * {@code livekit.AgentDispatchService} (via server-sdk-kotlin's clients, which sign a short admin token per call).
 *
 * <p>Thread-safe. Every method blocks on an HTTP round trip (bounded by the OkHttp client's timeouts): callers
 * must not call them on an event loop or a media tick; use a blocking executor. Failures are
 * {@link LiveKitApiException}s carrying the HTTP status and the server's error text.
 */
public final class RoomApi {

    private final RoomServiceClient rooms;
    private final AgentDispatchServiceClient dispatch;

    /**
     * @param url    the server, as {@code ws(s)://} (as for signalling) or {@code http(s)://}
     * @param http   shared client (connection pool, timeouts)
     */
    public RoomApi(String url, String apiKey, String apiSecret, OkHttpClient http) {
        Objects.requireNonNull(http, "http");
        String base = LiveKitUrl.parse(url).httpBase();
        this.rooms = RoomServiceClient.createClient(base, apiKey, apiSecret, () -> http);
        this.dispatch = AgentDispatchServiceClient.createClient(base, apiKey, apiSecret, () -> http);
    }

    /**
     * Creates the room, or returns the existing one of that name.
     *
     * @param emptyTimeoutS seconds the room lives with nobody in it (0: the server default, 300 s)
     * @param metadata      room metadata, "" for none
     */
    public LivekitModels.Room createRoom(String name, int emptyTimeoutS, String metadata) throws LiveKitApiException {
        return execute("CreateRoom " + name,
                rooms.createRoom(name, emptyTimeoutS, null, null, metadata, null, null, null, null));
    }

    /** Deletes the room: every participant gets {@code leave} (reason ROOM_DELETED) and is disconnected. */
    public void deleteRoom(String name) throws LiveKitApiException {
        execute("DeleteRoom " + name, rooms.deleteRoom(name));
    }

    public List<LivekitModels.ParticipantInfo> listParticipants(String room) throws LiveKitApiException {
        return execute("ListParticipants " + room, rooms.listParticipants(room));
    }

    /** Removes one participant: it gets {@code leave} (reason PARTICIPANT_REMOVED). */
    public void removeParticipant(String room, String identity) throws LiveKitApiException {
        execute("RemoveParticipant " + room + "/" + identity, rooms.removeParticipant(room, identity));
    }

    /** Asks the server to dispatch agent {@code agentName} into {@code room} with job metadata {@code metadata}. */
    public LivekitAgentDispatch.AgentDispatch createDispatch(String room, String agentName, String metadata)
            throws LiveKitApiException {
        return execute("CreateDispatch " + agentName + " -> " + room,
                dispatch.createDispatch(room, agentName, metadata));
    }

    /** Dispatches of {@code room}, including those its creator's token asked for ({@code roomConfig.agents}). */
    public List<LivekitAgentDispatch.AgentDispatch> listDispatches(String room) throws LiveKitApiException {
        return execute("ListDispatch " + room, dispatch.listDispatch(room));
    }

    private static <T> T execute(String operation, Call<T> call) throws LiveKitApiException {
        Response<T> response;
        try {
            response = call.execute();
        } catch (IOException e) {
            throw new LiveKitApiException(operation, LiveKitApiException.NO_RESPONSE, e.toString(), e);
        }
        if (!response.isSuccessful()) {
            throw new LiveKitApiException(operation, response.code(), errorText(response), null);
        }
        return response.body();
    }

    private static String errorText(Response<?> response) {
        try (ResponseBody body = response.errorBody()) {
            return body == null ? response.message() : body.string().strip();
        } catch (IOException e) {
            return response.message();
        }
    }
}
