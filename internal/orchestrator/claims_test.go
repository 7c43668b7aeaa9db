package orchestrator

import (
	"testing"

	"github.com/opensky-network/opensky/internal/api"
)

// Replicas of one shard placed at once claim their provider and its owner,
// so that the second never takes either; a released claim is free again,
// and other shards are not affected.
func TestReplicaClaimsKeepProvidersAndOwnersApart(t *testing.T) {
	js := newJobState(&api.Job{ID: "j"})
	if !js.claim(0, 0, "peer-a") || !js.claim(0, 0, "owner:alice") {
		t.Fatal("first claims refused")
	}
	if js.claim(0, 1, "peer-a") {
		t.Fatal("a second replica took the same provider")
	}
	if js.claim(0, 1, "owner:alice") {
		t.Fatal("a second replica took a provider of the same owner")
	}
	if !js.claim(0, 0, "peer-a") {
		t.Fatal("a replica's own claim must stay its own")
	}
	if !js.claim(1, 0, "peer-a") || !js.claim(1, 0, "owner:alice") {
		t.Fatal("another shard's replica was refused")
	}
	js.release(0, 0, "owner:alice")
	if !js.claim(0, 1, "owner:alice") {
		t.Fatal("a released owner stays claimed")
	}
	js.release(0, 0, "peer-b") // not held: nothing happens
	if js.claim(0, 0, "owner:alice") {
		t.Fatal("release of another key freed the owner")
	}
}

func TestRescheduledTaskReleasesItsProviderAndOwner(t *testing.T) {
	js := newJobState(&api.Job{ID: "j"})
	js.claim(0, 0, "peer-a")
	js.claim(0, 0, "owner:alice")
	js.claim(0, 1, "peer-b")
	js.releaseTask(0, 0)
	if !js.claim(0, 2, "owner:alice") || !js.claim(0, 2, "peer-a") {
		t.Fatal("a rescheduled task kept its claims")
	}
	if js.claim(0, 2, "peer-b") {
		t.Fatal("another task's claim was released")
	}
}
