package wire

import (
	"strings"
	"testing"
)

func TestTaskPhaseValidate(t *testing.T) {
	good := TaskPhase{TaskID: "j-a.0.0-b", Phase: PhasePulling, UnixMilli: 5, Detail: "busybox:1"}
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, bad := range map[string]TaskPhase{
		"no task":      {Phase: PhaseRunning},
		"long task":    {TaskID: strings.Repeat("t", 129), Phase: PhaseRunning},
		"phase":        {TaskID: "t", Phase: "completed"},
		"time":         {TaskID: "t", Phase: PhaseRunning, UnixMilli: -1},
		"long detail":  {TaskID: "t", Phase: PhaseRunning, Detail: strings.Repeat("d", MaxPhaseDetail+1)},
		"invalid utf8": {TaskID: "t", Phase: PhaseRunning, Detail: "\xff"},
	} {
		if err := bad.Validate(); err == nil {
			t.Errorf("%s: accepted %+v", name, bad)
		}
	}
	// The message round-trips through a sealed envelope.
	priv := testKey(t, 7)
	sealed, err := Seal(priv, &good)
	if err != nil {
		t.Fatal(err)
	}
	var got TaskPhase
	if _, err := Open(sealed, MaxControlMessage, &got); err != nil || got != good {
		t.Fatalf("round trip: %+v, %v", got, err)
	}
}
