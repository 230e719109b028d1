package live

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go"

	"xuejiangping/internal/msg"
)

// NATS is the broker for several instances: core NATS subjects
// "xuejiangping.contest.<id>.events" and "….commands". Core NATS delivers at
// most once; that is enough because the log in the database is the truth and
// a hub that sees a gap reads the missing events from it.
type NATS struct {
	nc     *nats.Conn
	prefix string
}

// DialNATS connects to the NATS server at url. name identifies this
// instance in the server's monitoring. It keeps reconnecting for ever: a
// NATS restart must not take the contests down.
func DialNATS(url, name string, log *slog.Logger) (*NATS, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	nc, err := nats.Connect(url,
		nats.Name(name),
		nats.Timeout(3*time.Second),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(500*time.Millisecond),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil {
				log.Warn("nats disconnected", "err", err)
			}
		}),
		nats.ReconnectHandler(func(c *nats.Conn) { log.Info("nats reconnected", "url", c.ConnectedUrl()) }),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) { log.Warn("nats", "err", err) }),
	)
	if err != nil {
		return nil, fmt.Errorf(msg.T("live.nats.connect"), url, err)
	}
	return &NATS{nc: nc, prefix: "xuejiangping.contest."}, nil
}

func (b *NATS) subject(id int64, kind string) string {
	return fmt.Sprintf("%s%d.%s", b.prefix, id, kind)
}

// Publish sends msg to every instance subscribed to the contest.
func (b *NATS) Publish(id int64, msg []byte) error {
	return b.nc.Publish(b.subject(id, "events"), msg)
}

// Subscribe delivers the contest's messages to fn, one at a time, in order.
func (b *NATS) Subscribe(id int64, fn func([]byte)) (func(), error) {
	sub, err := b.nc.Subscribe(b.subject(id, "events"), func(m *nats.Msg) { fn(m.Data) })
	if err != nil {
		return nil, err
	}
	// A big online quiz sends thousands of answers a second; the default
	// pending limit would drop them (the log would repair it, but slowly).
	_ = sub.SetPendingLimits(1<<20, 256<<20)
	if err := b.nc.Flush(); err != nil {
		_ = sub.Unsubscribe()
		return nil, err
	}
	return func() { _ = sub.Unsubscribe() }, nil
}

// Serve answers the contest's forwarded commands. The subscription is
// flushed, so once Serve returns, requests reach this instance.
func (b *NATS) Serve(id int64, fn func([]byte, func([]byte))) (func(), error) {
	sub, err := b.nc.Subscribe(b.subject(id, "commands"), func(m *nats.Msg) {
		fn(m.Data, func(resp []byte) { _ = m.Respond(resp) })
	})
	if err != nil {
		return nil, err
	}
	_ = sub.SetPendingLimits(1<<20, 64<<20)
	if err := b.nc.Flush(); err != nil {
		_ = sub.Unsubscribe()
		return nil, err
	}
	return func() { _ = sub.Unsubscribe() }, nil
}

// Request forwards a command to the contest's owner.
func (b *NATS) Request(ctx context.Context, id int64, req []byte) ([]byte, error) {
	m, err := b.nc.RequestWithContext(ctx, b.subject(id, "commands"), req)
	if errors.Is(err, nats.ErrNoResponders) {
		return nil, ErrNoOwner
	}
	if err != nil {
		return nil, err
	}
	return m.Data, nil
}

// Close drops the connection at once (pending publishes are flushed first;
// the log holds every event anyway).
func (b *NATS) Close() {
	_ = b.nc.Flush()
	b.nc.Close()
}
