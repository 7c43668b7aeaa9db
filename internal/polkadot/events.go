package polkadot

import (
	"fmt"
	"math/big"

	"github.com/centrifuge/go-substrate-rpc-client/v4/types"
)

// EventKind says which of the events the bridge acts on an Event is.
type EventKind int

// The kinds of events.
const (
	// KindOther is any event the bridge does not act on; Name says which.
	KindOther EventKind = iota
	// KindTransfer is a transfer of the configured asset:
	// Balances.Transfer for the native balance, Assets.Transferred of the
	// configured asset ID otherwise.
	KindTransfer
	// KindRemarked is System.Remarked, emitted by System.remark_with_event.
	KindRemarked
	// KindExtrinsicSuccess is System.ExtrinsicSuccess.
	KindExtrinsicSuccess
	// KindExtrinsicFailed is System.ExtrinsicFailed.
	KindExtrinsicFailed
)

// String returns the kind's name.
func (k EventKind) String() string {
	switch k {
	case KindOther:
		return "other"
	case KindTransfer:
		return "transfer"
	case KindRemarked:
		return "remarked"
	case KindExtrinsicSuccess:
		return "extrinsic-success"
	case KindExtrinsicFailed:
		return "extrinsic-failed"
	}
	return fmt.Sprintf("EventKind(%d)", int(k))
}

// Event is one event of a block, decoded.
type Event struct {
	Index     uint32 // position in the block's events
	Extrinsic int    // index of the extrinsic that emitted it; -1 for block initialization and finalization
	Kind      EventKind
	Name      string // "Balances.Transfer", "Assets.Transferred", "System.Remarked", ...

	From, To AccountID // KindTransfer
	Amount   *big.Int  // KindTransfer, in the asset's smallest unit

	Sender     AccountID // KindRemarked
	RemarkHash Hash      // KindRemarked: blake2_256 of the remark bytes
}

// maxEventBytes bounds the System.Events value DecodeEvents accepts.
const maxEventBytes = 8 << 20

// eventLayout is where the parts of an event record are in the metadata.
type eventLayout struct {
	lookup  typeLookup
	key     []byte // storage key of System.Events
	records int64  // Vec<EventRecord>
}

// newEventLayout finds System.Events and checks that its records have a
// phase and an event, as every FRAME runtime's do.
func newEventLayout(m *types.MetadataV14) (*eventLayout, error) {
	e, err := findStorage(m, "System", "Events")
	if err != nil {
		return nil, err
	}
	l := typeLookup(m.EfficientLookup)
	t := l[e.value]
	if len(e.hashers) != 0 || t == nil || !t.Def.IsSequence {
		return nil, fmt.Errorf("%w: System.Events is not a plain Vec", ErrMetadata)
	}
	rec := l[t.Def.Sequence.Type.Int64()]
	if rec == nil || !rec.Def.IsComposite {
		return nil, fmt.Errorf("%w: System.Events records are not structs", ErrMetadata)
	}
	var phase, event bool
	for _, f := range rec.Def.Composite.Fields {
		switch string(f.Name) {
		case "phase":
			pt := l[f.Type.Int64()]
			phase = pt != nil && pt.Def.IsVariant
		case "event":
			et := l[f.Type.Int64()]
			event = et != nil && et.Def.IsVariant
		}
	}
	if !phase || !event {
		return nil, fmt.Errorf("%w: System.Events records lack a phase or an event enum", ErrMetadata)
	}
	return &eventLayout{lookup: l, key: e.prefix, records: e.value}, nil
}

// DecodeEvents decodes the raw value of System.Events (as
// state_getStorage returns it) with the runtime's metadata. Transfers of
// asset are KindTransfer; every other event is KindOther with its name. It
// refuses more than 8 MiB of input and never panics.
func DecodeEvents(meta *types.Metadata, raw []byte, asset Asset) (evs []Event, err error) {
	defer func() {
		if p := recover(); p != nil {
			evs, err = nil, fmt.Errorf("%w: decoder failed: %v", ErrDecode, p)
		}
	}()
	if meta == nil || meta.Version != 14 {
		return nil, fmt.Errorf("%w: need V14 metadata", ErrMetadata)
	}
	layout, err := newEventLayout(&meta.AsMetadataV14)
	if err != nil {
		return nil, err
	}
	return layout.decode(raw, asset)
}

// decode decodes a System.Events value.
func (el *eventLayout) decode(raw []byte, asset Asset) ([]Event, error) {
	if len(raw) > maxEventBytes {
		return nil, fmt.Errorf("%w: %d bytes of events, limit %d", ErrDecode, len(raw), maxEventBytes)
	}
	r := newReader(el.lookup, raw)
	n, err := r.compactLen()
	if err != nil {
		return nil, err
	}
	rec := el.lookup[el.lookup[el.records].Def.Sequence.Type.Int64()]
	evs := make([]Event, 0, min(n, 1024))
	for i := 0; i < n; i++ {
		ev := Event{Index: uint32(i), Extrinsic: -1}
		var fields []value
		for _, f := range rec.Def.Composite.Fields {
			switch string(f.Name) {
			case "phase":
				if ev.Extrinsic, err = el.phase(r, f.Type.Int64()); err != nil {
					return nil, fmt.Errorf("event %d: phase: %w", i, err)
				}
			case "event":
				if ev.Name, fields, err = el.event(r, f.Type.Int64()); err != nil {
					return nil, fmt.Errorf("event %d: %w", i, err)
				}
			default:
				if err := r.skip(f.Type.Int64(), 1); err != nil {
					return nil, fmt.Errorf("event %d: %s: %w", i, f.Name, err)
				}
			}
		}
		if err := el.classify(&ev, fields, asset); err != nil {
			return nil, fmt.Errorf("event %d (%s): %w", i, ev.Name, err)
		}
		evs = append(evs, ev)
	}
	if err := r.end(); err != nil {
		return nil, err
	}
	return evs, nil
}

// phase reads an event's phase: the extrinsic index of ApplyExtrinsic, or
// -1 for the other phases.
func (el *eventLayout) phase(r *reader, id int64) (int, error) {
	t, err := r.lookup(id)
	if err != nil {
		return 0, err
	}
	v, err := r.variant(t)
	if err != nil {
		return 0, err
	}
	fs, err := r.fields(v.Fields, 1)
	if err != nil {
		return 0, err
	}
	if string(v.Name) != "ApplyExtrinsic" {
		return -1, nil
	}
	if len(fs) != 1 {
		return 0, fmt.Errorf("%w: ApplyExtrinsic has %d fields", ErrMetadata, len(fs))
	}
	x, err := el.lookup.uintOf(fs[0])
	if err != nil {
		return 0, err
	}
	if !x.IsUint64() || x.Uint64() > 1<<31-1 {
		return 0, fmt.Errorf("%w: extrinsic index %s", ErrDecode, x)
	}
	return int(x.Uint64()), nil
}

// event reads the runtime event enum: the pallet's case, then the event's
// case of the pallet's own enum, then its fields.
func (el *eventLayout) event(r *reader, id int64) (string, []value, error) {
	t, err := r.lookup(id)
	if err != nil {
		return "", nil, err
	}
	pallet, err := r.variant(t)
	if err != nil {
		return "", nil, err
	}
	if len(pallet.Fields) != 1 {
		return "", nil, fmt.Errorf("%w: event case %s has %d fields, want 1", ErrMetadata, pallet.Name, len(pallet.Fields))
	}
	pt, err := r.lookup(pallet.Fields[0].Type.Int64())
	if err != nil {
		return "", nil, err
	}
	if !pt.Def.IsVariant {
		return "", nil, fmt.Errorf("%w: events of %s are not an enum", ErrMetadata, pallet.Name)
	}
	ev, err := r.variant(pt)
	if err != nil {
		return "", nil, fmt.Errorf("%s: %w", pallet.Name, err)
	}
	name := string(pallet.Name) + "." + string(ev.Name)
	fs, err := r.fields(ev.Fields, 2)
	if err != nil {
		return "", nil, fmt.Errorf("%s: %w", name, err)
	}
	return name, fs, nil
}

// classify fills in the kind and the fields of the events the bridge acts
// on.
func (el *eventLayout) classify(ev *Event, fs []value, asset Asset) error {
	l := el.lookup
	var err error
	switch ev.Name {
	case "System.ExtrinsicSuccess":
		ev.Kind = KindExtrinsicSuccess
	case "System.ExtrinsicFailed":
		ev.Kind = KindExtrinsicFailed
	case "System.Remarked":
		if ev.Sender, err = accountField(l, fs, "sender", 0); err != nil {
			return err
		}
		if ev.RemarkHash, err = hashField(l, fs, "hash", 1); err != nil {
			return err
		}
		ev.Kind = KindRemarked
	case "Balances.Transfer":
		if !asset.Native {
			return nil
		}
		return transferFields(l, ev, fs, 0)
	case "Assets.Transferred":
		if asset.Native {
			return nil
		}
		f, err := field(fs, "asset_id", 0)
		if err != nil {
			return err
		}
		id, err := l.uintOf(f)
		if err != nil {
			return err
		}
		if !id.IsUint64() || id.Uint64() != uint64(asset.ID) {
			return nil
		}
		return transferFields(l, ev, fs, 1)
	}
	return nil
}

// transferFields reads from, to and amount, found by name or else at
// positions at, at+1 and at+2.
func transferFields(l typeLookup, ev *Event, fs []value, at int) error {
	var err error
	if ev.From, err = accountField(l, fs, "from", at); err != nil {
		return err
	}
	if ev.To, err = accountField(l, fs, "to", at+1); err != nil {
		return err
	}
	f, err := field(fs, "amount", at+2)
	if err != nil {
		return err
	}
	if ev.Amount, err = l.uintOf(f); err != nil {
		return err
	}
	ev.Kind = KindTransfer
	return nil
}

// field finds a field by name, or at position pos when fields are unnamed.
func field(fs []value, name string, pos int) (value, error) {
	for _, f := range fs {
		if f.name == name {
			return f, nil
		}
	}
	if pos < len(fs) && fs[pos].name == "" {
		return fs[pos], nil
	}
	return value{}, fmt.Errorf("%w: no field %q", ErrMetadata, name)
}

func accountField(l typeLookup, fs []value, name string, pos int) (AccountID, error) {
	f, err := field(fs, name, pos)
	if err != nil {
		return AccountID{}, err
	}
	b, err := l.bytes32Of(f)
	return AccountID(b), err
}

func hashField(l typeLookup, fs []value, name string, pos int) (Hash, error) {
	f, err := field(fs, name, pos)
	if err != nil {
		return Hash{}, err
	}
	b, err := l.bytes32Of(f)
	return Hash(b), err
}
