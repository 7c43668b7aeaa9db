package chain

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/cockroachdb/pebble"
	dbm "github.com/cometbft/cometbft-db"
	cmtcfg "github.com/cometbft/cometbft/config"
)

// errDBClosed is what a node's database answers writes and scans with once
// the node has closed it.
var errDBClosed = errors.New("chain: database closed")

// dbSet opens the node's databases and closes them all at the end.
//
// Two CometBFT v1.0.1 habits make this necessary. The node never closes
// its tx index database, so without the set a node could not be started
// again on the same home in the same process (pebble's directory lock
// would still be held). And some of its goroutines outlive Node.Stop (the
// consensus reactor's per-peer queryMaj23Routine reads the block store
// after sleeping), while pebble panics on any use of a closed database. So
// every database is wrapped: it closes once, and after that reads find
// nothing and writes and scans fail, instead of crashing the process.
//
// The databases are pebble (CometBFT v1's default backend, pure Go without
// cgo), opened here rather than by CometBFT so that pebble logs through
// slog instead of the standard library's global logger.
type dbSet struct {
	log *slog.Logger
	mu  sync.Mutex
	dbs []*closableDB
}

func (s *dbSet) provider(ctx *cmtcfg.DBContext) (dbm.DB, error) {
	opts := &pebble.Options{Logger: pebbleLogger{s.log.With("module", "pebble", "db", ctx.ID)}}
	db, err := dbm.NewPebbleDBWithOpts(ctx.ID, ctx.Config.DBDir(), opts)
	if err != nil {
		return nil, fmt.Errorf("chain: open %s database: %w", ctx.ID, err)
	}
	c := &closableDB{DB: db}
	s.mu.Lock()
	s.dbs = append(s.dbs, c)
	s.mu.Unlock()
	return c, nil
}

func (s *dbSet) closeAll() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	for _, db := range s.dbs {
		errs = append(errs, db.Close())
	}
	s.dbs = nil
	return errors.Join(errs...)
}

// closableDB is a dbm.DB that is safe to use after Close.
type closableDB struct {
	dbm.DB
	mu     sync.RWMutex
	closed bool
	err    error
}

func (d *closableDB) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.closed {
		d.closed = true
		d.err = d.DB.Close()
	}
	return d.err
}

// use runs f unless the database is closed, holding it open meanwhile.
func (d *closableDB) use(f func() error) error {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.closed {
		return errDBClosed
	}
	return f()
}

func (d *closableDB) Get(key []byte) (v []byte, err error) {
	err = d.use(func() error { v, err = d.DB.Get(key); return err })
	if errors.Is(err, errDBClosed) {
		return nil, nil
	}
	return v, err
}

func (d *closableDB) Has(key []byte) (ok bool, err error) {
	err = d.use(func() error { ok, err = d.DB.Has(key); return err })
	if errors.Is(err, errDBClosed) {
		return false, nil
	}
	return ok, err
}

func (d *closableDB) Set(key, value []byte) error {
	return d.use(func() error { return d.DB.Set(key, value) })
}

func (d *closableDB) SetSync(key, value []byte) error {
	return d.use(func() error { return d.DB.SetSync(key, value) })
}

func (d *closableDB) Delete(key []byte) error {
	return d.use(func() error { return d.DB.Delete(key) })
}

func (d *closableDB) DeleteSync(key []byte) error {
	return d.use(func() error { return d.DB.DeleteSync(key) })
}

func (d *closableDB) Iterator(start, end []byte) (it dbm.Iterator, err error) {
	err = d.use(func() error { it, err = d.DB.Iterator(start, end); return err })
	return it, err
}

func (d *closableDB) ReverseIterator(start, end []byte) (it dbm.Iterator, err error) {
	err = d.use(func() error { it, err = d.DB.ReverseIterator(start, end); return err })
	return it, err
}

func (d *closableDB) Compact(start, end []byte) error {
	return d.use(func() error { return d.DB.Compact(start, end) })
}

func (d *closableDB) Print() error {
	return d.use(func() error { return d.DB.Print() })
}

func (d *closableDB) Stats() map[string]string {
	var s map[string]string
	_ = d.use(func() error { s = d.DB.Stats(); return nil })
	return s
}

func (d *closableDB) NewBatch() dbm.Batch {
	var b dbm.Batch
	_ = d.use(func() error { b = d.DB.NewBatch(); return nil })
	return &closableBatch{db: d, b: b}
}

// closableBatch writes only while its database is open.
type closableBatch struct {
	db *closableDB
	b  dbm.Batch // nil if made after the database closed
}

func (b *closableBatch) Set(key, value []byte) error {
	if b.b == nil {
		return errDBClosed
	}
	return b.b.Set(key, value)
}

func (b *closableBatch) Delete(key []byte) error {
	if b.b == nil {
		return errDBClosed
	}
	return b.b.Delete(key)
}

func (b *closableBatch) Write() error {
	if b.b == nil {
		return errDBClosed
	}
	return b.db.use(b.b.Write)
}

func (b *closableBatch) WriteSync() error {
	if b.b == nil {
		return errDBClosed
	}
	return b.db.use(b.b.WriteSync)
}

func (b *closableBatch) Close() error {
	if b.b == nil {
		return nil
	}
	return b.b.Close()
}

// pebbleLogger routes pebble's messages (WAL replays, compactions) to slog
// at LevelTrace. Fatalf is pebble giving up on a corrupt store; it is
// logged and then panics, where pebble's default logger would exit.
type pebbleLogger struct {
	l *slog.Logger
}

func (p pebbleLogger) Infof(format string, args ...any) {
	if p.l.Enabled(context.Background(), LevelTrace) {
		p.l.Log(context.Background(), LevelTrace, fmt.Sprintf(format, args...))
	}
}

func (p pebbleLogger) Fatalf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	p.l.Error("pebble fatal error", "err", msg)
	panic("pebble: " + msg)
}
