package gateway

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/identity"
	"github.com/opensky-network/opensky/internal/ledger"
)

// jobRoutes are every route about one job, with the method and the path
// under /api/v1/jobs/{id}.
var jobRoutes = []struct{ method, sub string }{
	{"GET", ""},
	{"POST", "/cancel"},
	{"GET", "/watch"},
	{"GET", "/logs"},
	{"GET", "/logs?follow=true"},
	{"GET", "/outputs"},
	{"GET", "/outputs/0/out/result.txt"},
}

// TestOtherAccountsJobIsNotFound: every job route answers another
// account's job exactly as it answers a job that does not exist, and the
// owner is served.
func TestOtherAccountsJobIsNotFound(t *testing.T) {
	alice, bob := accounts(t)
	g := newAuthGateway(t, nil)
	job := g.b.addOwnedJob(alice.Address(), api.PhaseCompleted, 1)
	g.b.outputs[job] = map[string][]byte{"0/out/result.txt": []byte("42\n")}
	g.b.logs[job] = []api.TaskLog{{TaskID: job + "-t0", Stdout: "alice's output\n"}}
	legacy := g.b.addJob(api.PhaseCompleted, 1) // submitted before authentication: nobody's
	missing := "job-" + strings.Repeat("9", len(job)-4)

	for _, r := range jobRoutes {
		path := func(id string) string {
			sub, query, _ := strings.Cut(r.sub, "?")
			p := "/api/v1/jobs/" + id + sub
			if query != "" {
				p += "?" + query
			}
			return p
		}
		resp, foreign := g.do(as{acct: bob}, r.method, path(job), nil)
		wantError(t, resp, foreign, http.StatusNotFound, codeNotFound)
		resp, absent := g.do(as{acct: bob}, r.method, path(missing), nil)
		wantError(t, resp, absent, http.StatusNotFound, codeNotFound)
		if got, want := string(bytes.ReplaceAll(foreign, []byte(job), []byte(missing))), string(absent); got != want {
			t.Errorf("%s %s: another account's job answers\n%s\nbut a missing one\n%s", r.method, r.sub, got, want)
		}
		for _, who := range []*identity.Account{alice, bob} {
			resp, data := g.do(as{acct: who}, r.method, path(legacy), nil)
			wantError(t, resp, data, http.StatusNotFound, codeNotFound)
		}
		if r.method == "POST" {
			continue // cancelling a completed job is a conflict, tested elsewhere
		}
		if resp, data := g.do(as{acct: alice}, r.method, path(job), nil); resp.StatusCode != http.StatusOK {
			t.Errorf("the owner: %s %s: %d %s", r.method, r.sub, resp.StatusCode, data)
		}
	}
	if j, _ := g.b.GetJob(t.Context(), job); j.Phase != api.PhaseCompleted || j.Reason != "" {
		t.Fatalf("bob changed alice's job: %+v", j)
	}

	// Listings hold only the caller's jobs, whatever the filters.
	for _, q := range []string{"", "?phase=completed", "?limit=1"} {
		resp, data := g.do(as{acct: bob}, "GET", "/api/v1/jobs"+q, nil)
		if jobs := decode[[]api.Job](t, data); resp.StatusCode != http.StatusOK || len(jobs) != 0 {
			t.Errorf("bob lists %s: %d %s", q, resp.StatusCode, data)
		}
		resp, data = g.do(as{acct: alice}, "GET", "/api/v1/jobs"+q, nil)
		if jobs := decode[[]api.Job](t, data); resp.StatusCode != http.StatusOK || len(jobs) != 1 || jobs[0].ID != job {
			t.Errorf("alice lists %s: %d %s", q, resp.StatusCode, data)
		}
	}
}

// TestCancelOwnJob: the owner cancels; another account cannot.
func TestCancelOwnJob(t *testing.T) {
	alice, bob := accounts(t)
	g := newAuthGateway(t, nil)
	job := g.b.addOwnedJob(alice.Address(), api.PhaseRunning, 1)
	resp, data := g.do(as{acct: bob}, "POST", "/api/v1/jobs/"+job+"/cancel", nil)
	wantError(t, resp, data, http.StatusNotFound, codeNotFound)
	resp, data = g.do(as{acct: alice}, "POST", "/api/v1/jobs/"+job+"/cancel?reason=mine", nil)
	if j := decode[api.Job](t, data); resp.StatusCode != http.StatusOK || j.Phase != api.PhaseCancelled || j.Reason != "mine" {
		t.Fatalf("alice cancels: %d %s", resp.StatusCode, data)
	}
}

// TestSubmitRecordsOwner: the authenticated account owns what it submits,
// and the fake stands in for the orchestrator, which takes the owner from
// the request's context the same way.
func TestSubmitRecordsOwner(t *testing.T) {
	alice, bob := accounts(t)
	g := newAuthGateway(t, nil)
	resp, data := g.do(as{acct: alice}, "POST", "/api/v1/jobs", []byte(validSpecJSON))
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("submit: %d %s", resp.StatusCode, data)
	}
	j := decode[api.Job](t, data)
	if j.Owner != alice.Address() {
		t.Fatalf("owner %q, want %s", j.Owner, alice.Address())
	}
	resp, data = g.do(as{acct: bob}, "GET", "/api/v1/jobs/"+j.ID, nil)
	wantError(t, resp, data, http.StatusNotFound, codeNotFound)
	// A token acts for its account.
	tok := g.newToken(bob, "ci")
	resp, data = g.do(as{token: tok}, "POST", "/api/v1/jobs", []byte(validSpecYAML))
	if j := decode[api.Job](t, data); resp.StatusCode != http.StatusCreated || j.Owner != bob.Address() {
		t.Fatalf("submit with bob's token: %d %s", resp.StatusCode, data)
	}
}

// TestWalletViewsAreOwn: an account reads its own balance and history,
// in either address form, and not another's.
func TestWalletViewsAreOwn(t *testing.T) {
	alice, bob := accounts(t)
	chain := newFakeChain()
	chain.answers[ledger.QueryAccount+alice.Address()] = `{"address":"` + alice.Address() + `","balance":5}`
	g := newAuthGateway(t, nil, WithChain(chain))
	for _, addr := range []string{alice.Address(), identity.PolkadotAddressOf(alice.PublicKey())} {
		for _, sub := range []string{"", "/txs"} {
			if resp, data := g.do(as{acct: alice}, "GET", "/api/v1/chain/accounts/"+addr+sub, nil); resp.StatusCode != http.StatusOK {
				t.Errorf("alice reads %s%s: %d %s", addr, sub, resp.StatusCode, data)
			}
			resp, data := g.do(as{acct: bob}, "GET", "/api/v1/chain/accounts/"+addr+sub, nil)
			wantError(t, resp, data, http.StatusForbidden, codeForbidden)
		}
	}
}
