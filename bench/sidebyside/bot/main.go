// Command bot joins every new room of a livekit-server and publishes one audio track in it, so that a SIP
// service bridging calls into those rooms has someone to answer for: LiveKit SIP keeps the phone ringing until
// another participant publishes a track, our gateway until someone subscribes to the caller or publishes audio.
// (LiveKit SIP v1.11 answers once its own track has a subscriber: "Waiting for track subscription(s)".) So the
// bot subscribes to everything (and drops the packets after reading them, as a listener would) and publishes a
// looping Opus frame sequence encoded once at start, so a room costs it packetizing and SRTP, no encoding:
//
//	--audio tone:   a 440 Hz tone with a slow tremolo, a packet every 20 ms;
//	--audio silent: digital silence, a (tiny) packet every 20 ms;
//	--audio dtx:    what a WebRTC client with Opus DTX sends while nobody speaks: one silence frame every
//	                400 ms (the RTP timestamp jumps over the gap), so 2.5 packets/s instead of 50.
//
// One process serves all rooms. It learns of new rooms from livekit-server's room_started webhook (--listen)
// and, as a fallback, by listing rooms every --poll. It leaves a room when nobody else is left in it, or when
// nobody came within --idle after it joined (a room that ended while the bot was joining is created again by
// the join: that one must not be kept alive).
//
// Every event is one log line on stderr; on SIGTERM or SIGINT it prints one summary line and leaves every room.
package main

/*
#cgo pkg-config: opus
#include <opus.h>
*/
import "C"

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"net/http"
	_ "net/http/pprof"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"github.com/livekit/protocol/auth"
	"github.com/livekit/protocol/livekit"
	"github.com/livekit/protocol/webhook"
	lksdk "github.com/livekit/server-sdk-go/v2"
	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media"
)

const (
	sampleRate   = 48000
	frameSamples = sampleRate / 50 // 20 ms
	loopFrames   = 50              // one second, a whole number of tone and tremolo periods: loops without a click
)

// encodeLoop encodes one second of audio with libopus into 50 Opus packets of 20 ms.
func encodeLoop(kind string) ([][]byte, error) {
	var errCode C.int
	enc := C.opus_encoder_create(sampleRate, 1, C.OPUS_APPLICATION_VOIP, &errCode)
	if errCode != C.OPUS_OK {
		return nil, fmt.Errorf("opus_encoder_create: %d", int(errCode))
	}
	defer C.opus_encoder_destroy(enc)
	pcm := make([]int16, frameSamples)
	out := make([]byte, 1500)
	frames := make([][]byte, 0, loopFrames)
	for f := 0; f < loopFrames; f++ {
		for i := range pcm {
			if kind == "tone" {
				t := float64(f*frameSamples+i) / sampleRate
				pcm[i] = int16(9000 * (0.6 + 0.4*math.Sin(2*math.Pi*3*t)) * math.Sin(2*math.Pi*440*t))
			} else {
				pcm[i] = 0
			}
		}
		n := C.opus_encode(enc, (*C.opus_int16)(unsafe.Pointer(&pcm[0])), frameSamples,
			(*C.uchar)(unsafe.Pointer(&out[0])), C.opus_int32(len(out)))
		if n < 0 {
			return nil, fmt.Errorf("opus_encode: %d", int(n))
		}
		frames = append(frames, append([]byte(nil), out[:n]...))
	}
	return frames, nil
}

// loop hands the pre-encoded frames to the SDK's write worker, which paces them every 20 ms.
type loop struct {
	frames [][]byte
	every  time.Duration // what each frame stands for: 20 ms, or 400 ms for DTX
	next   int
}

func (l *loop) NextSample(ctx context.Context) (media.Sample, error) {
	if ctx.Err() != nil {
		return media.Sample{}, io.EOF
	}
	s := media.Sample{Data: l.frames[l.next], Duration: l.every}
	l.next = (l.next + 1) % len(l.frames)
	return s, nil
}
func (l *loop) OnBind() error   { return nil }
func (l *loop) OnUnbind() error { return nil }
func (l *loop) Close() error    { return nil }

type bot struct {
	url, key, secret string
	frames           [][]byte
	every            time.Duration
	idle             time.Duration
	subscribe        bool

	mu     sync.Mutex
	rooms  map[string]*lksdk.Room // joined or joining (nil while joining)
	left   map[string]bool        // rooms the bot left: never joined again (the poll still lists them a while)
	closed bool

	joined, failed, leaves atomic.Int64
}

// join joins a room once; a second call for the same room while the first is joining or joined does nothing.
func (b *bot) join(name string) {
	b.mu.Lock()
	if _, ok := b.rooms[name]; ok || b.left[name] || b.closed {
		b.mu.Unlock()
		return
	}
	b.rooms[name] = nil
	b.mu.Unlock()
	go b.run(name)
}

func (b *bot) run(name string) {
	start := time.Now()
	var room *lksdk.Room
	leaveIfAlone := func() {
		if room != nil && len(room.GetRemoteParticipants()) == 0 {
			b.leave(name, "alone")
		}
	}
	cb := &lksdk.RoomCallback{
		ParticipantCallback: lksdk.ParticipantCallback{
			OnTrackSubscribed: func(track *webrtc.TrackRemote, _ *lksdk.RemoteTrackPublication, _ *lksdk.RemoteParticipant) {
				go func() { // read and drop, so the receive side is drained like a real listener's
					buf := make([]byte, 1500)
					for {
						if _, _, err := track.Read(buf); err != nil {
							return
						}
					}
				}()
			},
		},
		OnParticipantDisconnected: func(*lksdk.RemoteParticipant) { go leaveIfAlone() },
		OnDisconnected: func() { // the room ended under us, or we left it
			b.mu.Lock()
			delete(b.rooms, name)
			b.mu.Unlock()
		},
	}
	r, err := lksdk.ConnectToRoom(b.url, lksdk.ConnectInfo{APIKey: b.key, APISecret: b.secret, RoomName: name,
		ParticipantIdentity: "bench-bot", ParticipantName: "bench bot"}, cb, lksdk.WithAutoSubscribe(b.subscribe))
	if err != nil {
		b.failed.Add(1)
		b.forget(name)
		log.Printf("room %s: join failed: %v", name, err)
		return
	}
	room = r
	track, err := lksdk.NewLocalSampleTrack(webrtc.RTPCodecCapability{
		MimeType: webrtc.MimeTypeOpus, ClockRate: sampleRate, Channels: 2})
	if err == nil {
		_, err = room.LocalParticipant.PublishTrack(track, &lksdk.TrackPublicationOptions{
			Name: "bot", Source: livekit.TrackSource_MICROPHONE})
	}
	if err == nil {
		err = track.StartWrite(&loop{frames: b.frames, every: b.every}, nil)
	}
	if err != nil {
		b.failed.Add(1)
		log.Printf("room %s: publish failed: %v", name, err)
		room.Disconnect()
		b.forget(name)
		return
	}
	b.mu.Lock()
	closed := b.closed
	if !closed {
		b.rooms[name] = room
	}
	b.mu.Unlock()
	if closed {
		room.Disconnect()
		return
	}
	b.joined.Add(1)
	log.Printf("room %s: publishing after %d ms", name, time.Since(start).Milliseconds())
	time.AfterFunc(b.idle, leaveIfAlone)
}

func (b *bot) leave(name, why string) {
	b.mu.Lock()
	room := b.rooms[name]
	delete(b.rooms, name)
	if len(b.left) >= 100000 { // call rooms have unique names: forgetting old ones only risks a late rejoin
		b.left = map[string]bool{}
	}
	b.left[name] = true
	b.mu.Unlock()
	if room != nil {
		b.leaves.Add(1)
		log.Printf("room %s: leaving (%s)", name, why)
		room.Disconnect()
	}
}

// forget drops a room whose join failed (its entry is still the nil placeholder).
func (b *bot) forget(name string) {
	b.mu.Lock()
	if b.rooms[name] == nil {
		delete(b.rooms, name)
	}
	b.mu.Unlock()
}

func (b *bot) closeAll() {
	b.mu.Lock()
	b.closed = true
	rooms := b.rooms
	b.rooms = map[string]*lksdk.Room{}
	b.mu.Unlock()
	for _, r := range rooms {
		if r != nil {
			r.Disconnect()
		}
	}
}

func main() {
	url := flag.String("url", "ws://127.0.0.1:7880", "livekit-server URL")
	key := flag.String("api-key", "devkey", "API key")
	secret := flag.String("api-secret", "secret", "API secret")
	audio := flag.String("audio", "tone", "tone | silent | dtx")
	listen := flag.String("listen", "", "address for livekit-server's webhooks, e.g. 127.0.0.1:7999 (empty: polling only)")
	poll := flag.Duration("poll", 2*time.Second, "how often to list rooms as a fallback to the webhook (0: never)")
	prefix := flag.String("prefix", "", "join only rooms whose name starts with this")
	idle := flag.Duration("idle", 15*time.Second, "leave a room nobody else joined within this long")
	subscribe := flag.Bool("subscribe", true, "subscribe to the caller's audio (LiveKit SIP rings until someone does)")
	flag.Parse()
	log.SetFlags(log.Ltime | log.Lmicroseconds)
	every := 20 * time.Millisecond
	switch *audio {
	case "tone", "silent":
	case "dtx":
		every = 400 * time.Millisecond
	default:
		log.Fatalf("--audio must be tone, silent or dtx, not %q", *audio)
	}
	frames, err := encodeLoop(*audio)
	if err != nil {
		log.Fatal(err)
	}
	if *audio == "dtx" {
		frames = frames[:1]
	}
	bytes := 0
	for _, f := range frames {
		bytes += len(f)
	}
	b := &bot{url: *url, key: *key, secret: *secret, frames: frames, every: every, idle: *idle, subscribe: *subscribe,
		rooms: map[string]*lksdk.Room{}, left: map[string]bool{}}
	wanted := func(name string) bool { return strings.HasPrefix(name, *prefix) }

	if *listen != "" {
		keys := auth.NewSimpleKeyProvider(*key, *secret)
		// the same listener serves /debug/pprof/ (net/http/pprof) to profile the bot under load
		http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
			ev, err := webhook.ReceiveWebhookEvent(r, keys)
			if err != nil {
				http.Error(w, err.Error(), http.StatusUnauthorized)
				return
			}
			if ev.GetEvent() == webhook.EventRoomStarted && wanted(ev.GetRoom().GetName()) {
				b.join(ev.GetRoom().GetName())
			}
			w.WriteHeader(http.StatusOK)
		})
		go func() {
			if err := http.ListenAndServe(*listen, nil); err != nil {
				log.Fatalf("webhook listener: %v", err)
			}
		}()
	}
	if *poll > 0 {
		rs := lksdk.NewRoomServiceClient(strings.Replace(*url, "ws", "http", 1), *key, *secret)
		go func() {
			for range time.Tick(*poll) {
				res, err := rs.ListRooms(context.Background(), &livekit.ListRoomsRequest{})
				if err != nil {
					log.Printf("list rooms: %v", err)
					continue
				}
				for _, r := range res.GetRooms() {
					if wanted(r.GetName()) && r.GetNumParticipants() > 0 {
						b.join(r.GetName())
					}
				}
			}
		}()
	}
	log.Printf("bot ready: audio %s (%d Opus frames of %d bytes in all, one every %s), subscribe %v, webhook %q, poll %s",
		*audio, len(frames), bytes, every, *subscribe, *listen, *poll)
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	<-stop
	log.Printf("bot done: joined %d, failed %d, left %d", b.joined.Load(), b.failed.Load(), b.leaves.Load())
	b.closeAll()
}
