package wire

// Protocol IDs. Every stream protocol carries its version.
const (
	ProtocolBid      = "/opensky/bid/1.0.0"
	ProtocolDispatch = "/opensky/dispatch/1.0.0"
	ProtocolResult   = "/opensky/result/1.0.0"
	ProtocolBlob     = "/opensky/blob/1.0.0"
	ProtocolLogs     = "/opensky/logs/1.0.0"
	// ProtocolPhase carries a provider's reports of where a task is
	// (staging, pulling, running).
	ProtocolPhase = "/opensky/phase/1.0.0"
	// TopicPresence is the GossipSub topic of presence and capacity
	// announcements.
	TopicPresence = "/opensky/presence/1"
)

// CodeUnavailable is the error code of a peer that cannot take a request
// yet (it is starting or overloaded); the sender retries later.
const CodeUnavailable = "unavailable"

// Size bounds of messages, per protocol.
const (
	MaxControlMessage = 256 << 10 // bids, acks, presence, cancel
	MaxDispatch       = 8 << 20   // a task with its inline inputs
	MaxResult         = 32 << 20  // a result with its output files
	MaxBlob           = 64 << 20  // one blob (a module or an input file)
)

// Capacity is an amount of compute resources.
type Capacity struct {
	MilliCPU    int64 `json:"milliCpu"`
	MemoryBytes int64 `json:"memoryBytes"`
	DiskBytes   int64 `json:"diskBytes"`
	GPUs        int64 `json:"gpus"`
}

// Presence is a provider's periodic announcement on TopicPresence.
type Presence struct {
	Peer string `json:"peer"`
	// Boot identifies the provider's current run (its start time in Unix
	// nanoseconds); Seq counts announcements within a run.
	Boot    int64             `json:"boot"`
	Seq     uint64            `json:"seq"`
	Engines []string          `json:"engines"`
	Total   Capacity          `json:"total"`
	Free    Capacity          `json:"free"`
	Running int64             `json:"running"`
	Labels  map[string]string `json:"labels,omitempty"`
	// Price is the provider's price per CPU-second in micro-USD, and its
	// floor for one task.
	PricePerCPUSecond int64 `json:"pricePerCpuSecond"`
	MinPrice          int64 `json:"minPrice"`
	// Storage is the disk space the provider rents out for stored
	// objects; nil when it keeps none.
	Storage *StorageOffer `json:"storage,omitempty"`
	// UnixMilli is the sender's clock when it announced.
	UnixMilli int64 `json:"unixMilli"`
}

// StorageOffer is a provider's disk space for the storage network.
type StorageOffer struct {
	TotalBytes int64 `json:"totalBytes"`
	FreeBytes  int64 `json:"freeBytes"`
	// PricePerGBMonth is micro-USD for keeping 10^9 bytes for 30 days.
	PricePerGBMonth int64 `json:"pricePerGbMonth"`
}

// BidRequest asks a provider whether, and for how much, it would run a task.
type BidRequest struct {
	JobID     string   `json:"jobId"`
	TaskID    string   `json:"taskId"`
	Engine    string   `json:"engine"`
	Resources Capacity `json:"resources"`
	TimeoutMs int64    `json:"timeoutMs"`
	// MaxPrice is the most the orchestrator pays for this task, micro-USD.
	MaxPrice int64 `json:"maxPrice"`
}

// Bid is a provider's answer to a BidRequest. A provider that declines
// sets Accept false and says why.
type Bid struct {
	TaskID   string `json:"taskId"`
	Provider string `json:"provider"`
	Accept   bool   `json:"accept"`
	Price    int64  `json:"price"`
	Reason   string `json:"reason,omitempty"`
	// ExpiresUnixMilli is when the reservation behind an accepted bid
	// lapses if no dispatch arrives.
	ExpiresUnixMilli int64 `json:"expiresUnixMilli"`
}

// File is a named blob of bytes: an inline input or a collected output.
type File struct {
	Path string `json:"path"`
	Data []byte `json:"data"`
}

// BlobRef is an input carried by reference; the provider fetches it over
// ProtocolBlob from the dispatcher when it does not have it.
type BlobRef struct {
	Path string `json:"path"`
	Hash string `json:"hash"`
	Size int64  `json:"size"`
}

// TaskSpec is what a provider needs to run one task.
type TaskSpec struct {
	JobID      string            `json:"jobId"`
	TaskID     string            `json:"taskId"`
	Shard      int               `json:"shard"`
	Shards     int               `json:"shards"`
	Replica    int               `json:"replica"`
	Engine     string            `json:"engine"`
	ModuleHash string            `json:"moduleHash,omitempty"`
	Image      string            `json:"image,omitempty"`
	Entrypoint []string          `json:"entrypoint,omitempty"`
	WorkingDir string            `json:"workingDir,omitempty"`
	Network    bool              `json:"network,omitempty"`
	State      string            `json:"state,omitempty"`
	Args       []string          `json:"args,omitempty"`
	Env        map[string]string `json:"env,omitempty"`
	Stdin      []byte            `json:"stdin,omitempty"`
	Resources  Capacity          `json:"resources"`
	TimeoutMs  int64             `json:"timeoutMs"`
	Seed       uint64            `json:"seed"`
	Inputs     []File            `json:"inputs,omitempty"`
	InputRefs  []BlobRef         `json:"inputRefs,omitempty"`
	Outputs    []string          `json:"outputs,omitempty"`
	// StagingTimeoutMs bounds staging the inputs and module, and
	// PullTimeoutMs making sure the image is present (engine docker);
	// neither counts against TimeoutMs. Zero: the provider's default.
	StagingTimeoutMs int64 `json:"stagingTimeoutMs,omitempty"`
	PullTimeoutMs    int64 `json:"pullTimeoutMs,omitempty"`
}

// Dispatch hands a task to the provider that bid for it.
type Dispatch struct {
	Task  TaskSpec `json:"task"`
	Price int64    `json:"price"`
}

// DispatchAck answers a Dispatch: the provider has taken the task, or not.
type DispatchAck struct {
	TaskID   string `json:"taskId"`
	Accepted bool   `json:"accepted"`
	Reason   string `json:"reason,omitempty"`
}

// Cancel stops a dispatched task. It is sent on ProtocolDispatch.
type Cancel struct {
	TaskID string `json:"taskId"`
	Reason string `json:"reason"`
}

// CancelAck answers a Cancel.
type CancelAck struct {
	TaskID string `json:"taskId"`
	Found  bool   `json:"found"`
}

// Usage is measured resource use of a task.
type Usage struct {
	WallMs     int64 `json:"wallMs"`
	CPUMs      int64 `json:"cpuMs"`
	PeakMemory int64 `json:"peakMemory"`
}

// Receipt is the provider's signed statement of what a task produced. It is
// the evidence verification and settlement work from.
type Receipt struct {
	JobID      string `json:"jobId"`
	TaskID     string `json:"taskId"`
	Shard      int    `json:"shard"`
	Replica    int    `json:"replica"`
	Provider   string `json:"provider"`
	OutputRoot string `json:"outputRoot"`
	ExitCode   int    `json:"exitCode"`
	// Error is set when the task did not end by itself: a trap, a limit,
	// an invalid module, a cancellation.
	Error      string `json:"error,omitempty"`
	ErrorCode  string `json:"errorCode,omitempty"`
	OOMKilled  bool   `json:"oomKilled,omitempty"`
	Usage      Usage  `json:"usage"`
	Price      int64  `json:"price"`
	StartedMs  int64  `json:"startedMs"`
	FinishedMs int64  `json:"finishedMs"`
}

// Result carries a finished task back to the orchestrator: the signed
// receipt (as a sealed envelope, so it can be kept and re-verified), the
// captured logs and the output files.
type Result struct {
	Receipt   []byte `json:"receipt"`
	Stdout    []byte `json:"stdout,omitempty"`
	Stderr    []byte `json:"stderr,omitempty"`
	Truncated bool   `json:"truncated,omitempty"`
	Outputs   []File `json:"outputs,omitempty"`
}

// ResultAck answers a Result.
type ResultAck struct {
	TaskID string `json:"taskId"`
	// Known is false when the orchestrator has no such task (it was
	// cancelled or rescheduled); the provider then drops it.
	Known bool `json:"known"`
}

// MaxLogChunk bounds the output one LogChunk carries.
const MaxLogChunk = 64 << 10

// LogChunk carries output a running task just wrote, so that consumers can
// follow it live. Offset is where Data starts in the task's stream.
type LogChunk struct {
	TaskID string `json:"taskId"`
	Stream string `json:"stream"` // "stdout" or "stderr"
	Offset int64  `json:"offset"`
	Data   []byte `json:"data"`
}

// LogAck answers a LogChunk.
type LogAck struct {
	Known bool `json:"known"`
}

// BlobRequest asks the peer for a blob by its hash.
type BlobRequest struct {
	Hash string `json:"hash"`
}

// BlobResponse carries the blob; Found is false when the peer has none.
type BlobResponse struct {
	Hash  string `json:"hash"`
	Found bool   `json:"found"`
	Data  []byte `json:"data,omitempty"`
}

// Message is implemented by every payload type that travels in an Envelope.
type Message interface {
	// WireType names the payload type inside the envelope, so that a
	// payload cannot be replayed as another type.
	WireType() string
}

func (Presence) WireType() string     { return "presence/1" }
func (BidRequest) WireType() string   { return "bid-request/1" }
func (Bid) WireType() string          { return "bid/1" }
func (Dispatch) WireType() string     { return "dispatch/1" }
func (DispatchAck) WireType() string  { return "dispatch-ack/1" }
func (Cancel) WireType() string       { return "cancel/1" }
func (CancelAck) WireType() string    { return "cancel-ack/1" }
func (Receipt) WireType() string      { return "receipt/1" }
func (Result) WireType() string       { return "result/1" }
func (ResultAck) WireType() string    { return "result-ack/1" }
func (BlobRequest) WireType() string  { return "blob-request/1" }
func (LogChunk) WireType() string     { return "log-chunk/1" }
func (LogAck) WireType() string       { return "log-ack/1" }
func (BlobResponse) WireType() string { return "blob-response/1" }
func (TaskPhase) WireType() string    { return "task-phase/1" }
func (PhaseAck) WireType() string     { return "phase-ack/1" }
