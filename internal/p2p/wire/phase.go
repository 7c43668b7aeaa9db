package wire

import (
	"fmt"
	"unicode/utf8"
)

// Task phases a provider reports on ProtocolPhase.
const (
	PhaseStaging = "staging" // fetching and writing inputs and module
	PhasePulling = "pulling" // making sure the image is present
	PhaseRunning = "running" // the executor runs the task
)

// MaxPhaseDetail bounds TaskPhase.Detail.
const MaxPhaseDetail = 256

// TaskPhase is a provider's report that a task it holds entered a phase.
// Reports are best effort: the result is what counts.
type TaskPhase struct {
	TaskID string `json:"taskId"`
	Phase  string `json:"phase"`
	// UnixMilli is the provider's clock when the phase began.
	UnixMilli int64 `json:"unixMilli"`
	// Detail says more, such as the image being pulled.
	Detail string `json:"detail,omitempty"`
}

// Validate checks a received report's fields and bounds.
func (p *TaskPhase) Validate() error {
	switch {
	case p.TaskID == "" || len(p.TaskID) > 128:
		return fmt.Errorf("task phase: bad task id")
	case p.Phase != PhaseStaging && p.Phase != PhasePulling && p.Phase != PhaseRunning:
		return fmt.Errorf("task phase: unknown phase %q", p.Phase)
	case p.UnixMilli < 0:
		return fmt.Errorf("task phase: negative time")
	case len(p.Detail) > MaxPhaseDetail || !utf8.ValidString(p.Detail):
		return fmt.Errorf("task phase: detail over %d bytes or not UTF-8", MaxPhaseDetail)
	}
	return nil
}

// PhaseAck answers a TaskPhase; Known is false when the orchestrator no
// longer waits for the task.
type PhaseAck struct {
	Known bool `json:"known"`
}
