package docker

// Labels put on every job container.
const (
	// LabelManaged is "true" on every container this package creates.
	LabelManaged = "opensky.managed"
	// LabelTask and LabelJob carry the task's ID and its job's ID.
	LabelTask = "opensky.task"
	LabelJob  = "opensky.job"
	// LabelOwner names the daemon that created the container (WithOwner).
	LabelOwner = "opensky.owner"
)

// DefaultOwner is the owner of containers when WithOwner is not given.
const DefaultOwner = "default"

// labels returns the labels of a task's container.
func labels(owner, taskID, jobID string) map[string]string {
	return map[string]string{
		LabelManaged: "true",
		LabelOwner:   owner,
		LabelTask:    taskID,
		LabelJob:     jobID,
	}
}
