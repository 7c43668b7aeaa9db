package main

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/centrifuge/go-substrate-rpc-client/v4/registry"
	"github.com/centrifuge/go-substrate-rpc-client/v4/registry/parser"
	"github.com/centrifuge/go-substrate-rpc-client/v4/types"
	"github.com/centrifuge/go-substrate-rpc-client/v4/types/codec"

	"github.com/opensky-network/opensky/internal/polkadot"
)

// The captured westend-dev runtime and one of its blocks, relative to the
// module's root: the block holds a transfer of 1 WND from //Alice with a
// remark.
const (
	polkadotMetadataFile = "internal/polkadot/testdata/westend-dev-metadata.scale.gz"
	polkadotEventsFile   = "internal/polkadot/testdata/westend-dev-events-transfer.scale"
)

// What the captured block must decode to.
const (
	polkadotTransferAmount = 1_000_000_000_000
	polkadotRemark         = "opensky polkadot test transfer"
	polkadotTransferEvent  = "Balances.Transfer"
	polkadotRemarkedEvent  = "System.Remarked"
)

// polkadotBigBlock is the size the synthetic block is grown to.
const polkadotBigBlock = 1 << 20

// polkadotRounds is how many times each row alternates between the two
// decoders, so that noise from the rest of the machine falls on both.
const polkadotRounds = 10

// polkadotEvents measures polkadot.DecodeEvents, which the bridge runs on
// the System.Events value of every finalized block, against
// go-substrate-rpc-client's registry event parser on the same bytes: n
// decodes of the captured block, and of a synthetic block of about 1 MiB
// made of the captured block's records repeated, in events/s, MB/s and
// allocations per event, with the ratio of the two rates. The runs of the
// two decoders alternate in rounds, and every decode is checked against
// what the block holds.
func polkadotEvents(n int) error {
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	meta, err := loadPolkadotMetadata(filepath.Join(root, polkadotMetadataFile))
	if err != nil {
		return err
	}
	small, err := os.ReadFile(filepath.Join(root, polkadotEventsFile))
	if err != nil {
		return err
	}
	large, copies, err := repeatEvents(small, polkadotBigBlock)
	if err != nil {
		return err
	}
	asset := polkadot.Asset{Native: true, Decimals: 12}
	want, err := checkCapturedEvents(meta, small, asset)
	if err != nil {
		return err
	}
	reg, err := registry.NewFactory().CreateEventRegistry(meta)
	if err != nil {
		return fmt.Errorf("polkadot: baseline event registry: %w", err)
	}
	eventParser := parser.NewEventParser()
	if err := checkBaselineEvents(meta, reg, eventParser, small, asset); err != nil {
		return err
	}
	ours := func(raw []byte, events, transfers int) error {
		evs, err := polkadot.DecodeEvents(meta, raw, asset)
		if err != nil {
			return err
		}
		if got := countTransfers(evs); len(evs) != events || got != transfers {
			return fmt.Errorf("polkadot: %d events with %d transfers, want %d with %d", len(evs), got, events, transfers)
		}
		return nil
	}
	baseline := func(raw []byte, events, transfers int) error {
		sd := types.StorageDataRaw(raw)
		evs, err := eventParser.ParseEvents(reg, &sd)
		if err != nil {
			return fmt.Errorf("baseline: %w", err)
		}
		got := 0
		for _, ev := range evs {
			if ev.Name == polkadotTransferEvent {
				got++
			}
		}
		if len(evs) != events || got != transfers {
			return fmt.Errorf("baseline: %d events with %d transfers, want %d with %d", len(evs), got, events, transfers)
		}
		return nil
	}
	largeN := max(n*len(small)/len(large), 5)
	fmt.Printf("Polkadot events: polkadot.DecodeEvents against go-substrate-rpc-client's registry event parser (westend-dev runtime, same bytes, runs alternated in %d rounds)\n", polkadotRounds)
	for _, c := range []struct {
		name              string
		raw               []byte
		runs              int
		events, transfers int
	}{
		{"captured block", small, n, want, 1},
		{fmt.Sprintf("%d copies of it", copies), large, largeN, want * copies, copies},
	} {
		runs, err := timeDecodesAlternating(c.raw, c.runs, c.events,
			func(raw []byte) error { return ours(raw, c.events, c.transfers) },
			func(raw []byte) error { return baseline(raw, c.events, c.transfers) },
		)
		if err != nil {
			return fmt.Errorf("%s: %w", c.name, err)
		}
		fmt.Printf("  %s: %d bytes, %d events, x%d each\n", c.name, len(c.raw), c.events, c.runs)
		for i, label := range []string{"polkadot.DecodeEvents", "registry parser"} {
			r := runs[i]
			fmt.Printf("    %-22s %10.0f events/s %8.1f MB/s %6.1f allocs/event %7.0f B/event\n",
				label, r.eventsPerSec, r.mbPerSec, r.allocsPerEvent, r.bytesPerEvent)
		}
		fmt.Printf("    ours/baseline          %10.2fx events/s\n", runs[0].eventsPerSec/runs[1].eventsPerSec)
	}
	return nil
}

// checkCapturedEvents decodes the captured block once and checks that it
// holds the transfer and the remark it was captured for. It returns the
// number of events.
func checkCapturedEvents(meta *types.Metadata, raw []byte, asset polkadot.Asset) (int, error) {
	evs, err := polkadot.DecodeEvents(meta, raw, asset)
	if err != nil {
		return 0, err
	}
	var transfer, remark bool
	for _, ev := range evs {
		switch ev.Kind {
		case polkadot.KindTransfer:
			transfer = ev.Amount.Cmp(big.NewInt(polkadotTransferAmount)) == 0
		case polkadot.KindRemarked:
			remark = ev.RemarkHash == polkadot.RemarkHash([]byte(polkadotRemark))
		}
	}
	if !transfer || !remark {
		return 0, fmt.Errorf("polkadot: captured block: transfer of %d found: %v, remark found: %v", polkadotTransferAmount, transfer, remark)
	}
	return len(evs), nil
}

// checkBaselineEvents parses the captured block with the baseline once
// and checks that it agrees with polkadot.DecodeEvents: the same events in
// the same order, the same transfer amount and the same remark hash.
func checkBaselineEvents(meta *types.Metadata, reg registry.EventRegistry, p parser.EventParser, raw []byte, asset polkadot.Asset) error {
	ours, err := polkadot.DecodeEvents(meta, raw, asset)
	if err != nil {
		return err
	}
	sd := types.StorageDataRaw(raw)
	theirs, err := p.ParseEvents(reg, &sd)
	if err != nil {
		return fmt.Errorf("polkadot: baseline: captured block: %w", err)
	}
	if len(theirs) != len(ours) {
		return fmt.Errorf("polkadot: baseline: captured block: %d events, polkadot.DecodeEvents has %d", len(theirs), len(ours))
	}
	var transfer, remark bool
	for i, ev := range theirs {
		if ev.Name != ours[i].Name {
			return fmt.Errorf("polkadot: baseline: captured block: event %d is %s, polkadot.DecodeEvents has %s", i, ev.Name, ours[i].Name)
		}
		switch ev.Name {
		case polkadotTransferEvent:
			amount, err := registry.GetDecodedFieldAsType[types.U128](ev.Fields, fieldNamed("amount"))
			if err != nil {
				return fmt.Errorf("polkadot: baseline: %s amount: %w", ev.Name, err)
			}
			if amount.Int == nil || ours[i].Amount == nil || amount.Cmp(ours[i].Amount) != 0 {
				return fmt.Errorf("polkadot: baseline: %s amount %v, polkadot.DecodeEvents has %v", ev.Name, amount.Int, ours[i].Amount)
			}
			transfer = true
		case polkadotRemarkedEvent:
			field, err := registry.GetDecodedFieldAsType[any](ev.Fields, fieldNamed("hash"))
			if err != nil {
				return fmt.Errorf("polkadot: baseline: %s hash: %w", ev.Name, err)
			}
			hash, ok := baselineHash(field)
			if !ok {
				return fmt.Errorf("polkadot: baseline: %s hash is %T, not 32 bytes", ev.Name, field)
			}
			if hash != ours[i].RemarkHash {
				return fmt.Errorf("polkadot: baseline: %s hash %x, polkadot.DecodeEvents has %x", ev.Name, hash, ours[i].RemarkHash)
			}
			remark = true
		}
	}
	if !transfer || !remark {
		return fmt.Errorf("polkadot: baseline: captured block: %s found: %v, %s found: %v", polkadotTransferEvent, transfer, polkadotRemarkedEvent, remark)
	}
	return nil
}

// fieldNamed matches a decoded field whose name ends in suffix: the
// registry prefixes a field's name with the path of its type.
func fieldNamed(suffix string) registry.DecodedFieldPredicateFn {
	return func(_ int, f *registry.DecodedField) bool {
		return strings.HasSuffix(f.Name, suffix)
	}
}

// baselineHash reads a 32-byte hash as the registry decodes it: 32
// types.U8, possibly inside a composite of one field (H256).
func baselineHash(v any) (polkadot.Hash, bool) {
	var h polkadot.Hash
	if fs, ok := v.(registry.DecodedFields); ok && len(fs) == 1 {
		return baselineHash(fs[0].Value)
	}
	items, ok := v.([]any)
	if !ok || len(items) != len(h) {
		return h, false
	}
	for i, item := range items {
		b, ok := item.(types.U8)
		if !ok {
			return h, false
		}
		h[i] = byte(b)
	}
	return h, true
}

func countTransfers(evs []polkadot.Event) int {
	n := 0
	for _, ev := range evs {
		if ev.Kind == polkadot.KindTransfer {
			n++
		}
	}
	return n
}

type decodeRun struct {
	eventsPerSec, mbPerSec        float64
	allocsPerEvent, bytesPerEvent float64
}

// timeDecodesAlternating runs each decoder on raw runs times, after a
// warm-up, in polkadotRounds rounds that alternate between them (and which
// one goes first), and reports each one's rates and heap allocations per
// event. The heap is collected before every stretch, outside the timing, so
// that each decoder pays for its own garbage.
func timeDecodesAlternating(raw []byte, runs, events int, decoders ...func([]byte) error) ([]decodeRun, error) {
	for _, decode := range decoders {
		for range max(runs/10, 1) {
			if err := decode(raw); err != nil {
				return nil, err
			}
		}
	}
	rounds := min(polkadotRounds, runs)
	elapsed := make([]time.Duration, len(decoders))
	mallocs := make([]uint64, len(decoders))
	allocated := make([]uint64, len(decoders))
	var before, after runtime.MemStats
	for round := range rounds {
		stretch := runs/rounds + btoi(round < runs%rounds)
		for k := range decoders {
			i := (round + k) % len(decoders)
			runtime.GC()
			runtime.ReadMemStats(&before)
			start := time.Now()
			for range stretch {
				if err := decoders[i](raw); err != nil {
					return nil, err
				}
			}
			elapsed[i] += time.Since(start)
			runtime.ReadMemStats(&after)
			mallocs[i] += after.Mallocs - before.Mallocs
			allocated[i] += after.TotalAlloc - before.TotalAlloc
		}
	}
	total := float64(runs) * float64(events)
	out := make([]decodeRun, len(decoders))
	for i := range decoders {
		secs := elapsed[i].Seconds()
		out[i] = decodeRun{
			eventsPerSec:   total / secs,
			mbPerSec:       float64(runs) * float64(len(raw)) / secs / 1e6,
			allocsPerEvent: float64(mallocs[i]) / total,
			bytesPerEvent:  float64(allocated[i]) / total,
		}
	}
	return out, nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// repeatEvents builds a System.Events value of the records of raw
// repeated until it reaches about size bytes, with the count prefix fixed
// up. It returns the value and the number of copies.
func repeatEvents(raw []byte, size int) ([]byte, int, error) {
	var count types.UCompact
	if err := codec.Decode(raw, &count); err != nil {
		return nil, 0, fmt.Errorf("polkadot: event count: %w", err)
	}
	prefix, err := codec.Encode(count)
	if err != nil {
		return nil, 0, err
	}
	records := raw[len(prefix):]
	if len(records) == 0 {
		return nil, 0, errors.New("polkadot: the captured block has no events")
	}
	copies := max(size/len(records), 1)
	head, err := codec.Encode(types.NewUCompactFromUInt(uint64(count.Int64()) * uint64(copies)))
	if err != nil {
		return nil, 0, err
	}
	return append(head, bytes.Repeat(records, copies)...), copies, nil
}

// loadPolkadotMetadata reads gzipped SCALE-encoded metadata.
func loadPolkadotMetadata(name string) (*types.Metadata, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("polkadot: %s: %w", name, err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("polkadot: %s: %w", name, err)
	}
	meta := new(types.Metadata)
	if err := codec.Decode(b, meta); err != nil {
		return nil, fmt.Errorf("polkadot: %s: %w", name, err)
	}
	return meta, nil
}

// moduleRoot finds the directory holding go.mod, from the working
// directory up.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "", errors.New("polkadot: no go.mod above the working directory: run the benchmark from inside the module")
		}
		dir = up
	}
}
