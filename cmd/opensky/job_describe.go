package main

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/ledger"
)

func newJobDescribeCmd(g *globals) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "describe ID",
		Short: "Show a job: spec, phase, timeline, tasks and cost",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			j, err := g.client().GetJob(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if output != formatTable {
				return printData(cmd.OutOrStdout(), output, j)
			}
			return describeJob(cmd.OutOrStdout(), j)
		},
	}
	addFormatFlag(cmd, &output, formatTable, formatJSON, formatYAML)
	return cmd
}

// describeJob writes the human view of a job.
func describeJob(w io.Writer, j *api.Job) error {
	s := j.Spec
	t := newTable(w)
	t.row("ID:", j.ID)
	t.row("Name:", orDash(s.Name))
	t.row("Phase:", string(j.Phase))
	if j.Reason != "" {
		t.row("Reason:", j.Reason+codeSuffix(j.ErrorCode))
	}
	t.row("Exit code:", fmt.Sprint(j.ExitCode))
	t.row("Engine:", string(s.Engine))
	switch {
	case s.Module != "":
		t.row("Module:", s.Module)
	case s.Image != "":
		t.row("Image:", s.Image)
	}
	if len(s.Args) > 0 {
		t.row("Args:", strings.Join(s.Args, " "))
	}
	if len(s.Env) > 0 {
		keys := make([]string, 0, len(s.Env))
		for k := range s.Env {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		t.row("Env:", strings.Join(keys, ", "))
	}
	for i, in := range s.Inputs {
		label := ""
		if i == 0 {
			label = "Inputs:"
		}
		t.row(label, "/inputs/"+in.Name+" "+inputSource(in.Blob, in.Content))
	}
	r := s.Resources
	t.row("Resources:", fmt.Sprintf("cpu %s, memory %s, disk %s, timeout %s", r.CPU, r.Memory, r.Disk, r.Timeout))
	t.row("Shards:", fmt.Sprintf("%d × %d replica(s)", s.Shards, s.Replicas))
	if s.MaxPrice > 0 {
		t.row("Max price:", "$"+s.MaxPrice.String())
	}
	t.row("Cost:", money(j.Cost))
	if p := j.Payment; p != nil {
		t.row("Escrow:", fmt.Sprintf("%s (%s, holds %s)", p.Escrow, p.State, ledger.FormatUSD(p.Budget)))
		if p.State != api.PaymentHeld {
			t.row("Settled:", fmt.Sprintf("paid %s, fee %s, refunded %s, slashed to you %s (block %d)",
				ledger.FormatUSD(p.Paid), ledger.FormatUSD(p.Fee), ledger.FormatUSD(p.Refunded), ledger.FormatUSD(p.Slashed), p.Height))
		} else if p.Error != "" {
			t.row("Settling:", "retrying: "+p.Error)
		}
	}
	describeVerification(t, j.Verification)
	if j.OutputRoot != "" {
		t.row("Output root:", j.OutputRoot)
	}
	t.row("Created:", j.CreatedAt.Local().Format(time.DateTime))
	if err := t.flush(); err != nil {
		return err
	}

	if len(j.Events) > 0 {
		fmt.Fprintln(w, "\nEvents:")
		t = newTable(w, "  TIME", "+ELAPSED", "PHASE", "MESSAGE")
		for _, e := range j.Events {
			t.row("  "+e.Time.Local().Format(time.TimeOnly), "+"+elapsed(e.Time.Sub(j.CreatedAt)), string(e.Phase), e.Message)
		}
		if err := t.flush(); err != nil {
			return err
		}
	}
	if len(j.Tasks) > 0 {
		fmt.Fprintln(w, "\nTasks:")
		t = newTable(w, "  SHARD", "REPLICA", "PHASE", "PROVIDER", "EXIT", "WALL", "CPU", "MEMORY", "PRICE", "OUTPUT ROOT", "ERROR")
		for _, k := range j.Tasks {
			t.row("  "+fmt.Sprint(k.Shard), fmt.Sprint(k.Replica), string(k.Phase), orDash(shortID(k.Provider)), fmt.Sprint(k.ExitCode),
				elapsed(time.Duration(k.WallMs)*time.Millisecond), elapsed(time.Duration(k.CPUMs)*time.Millisecond),
				bytesize(k.PeakMemory), money(k.Price), orDash(shortRoot(k.OutputRoot)), orDash(k.Error))
		}
		if err := t.flush(); err != nil {
			return err
		}
	}
	return nil
}

// inputSource says where an input's bytes come from.
func inputSource(blob, content string) string {
	if blob != "" {
		return "(" + blob + ")"
	}
	return fmt.Sprintf("(inline, %d bytes)", len(content))
}

// shortRoot shortens a hash for tables.
func shortRoot(h string) string {
	if len(h) > 19 {
		return h[:19] + "…"
	}
	return h
}

// describeVerification adds the verdict on a job's results and, per shard,
// who agreed and who dissented.
func describeVerification(t *table, v *api.Verification) {
	if v == nil {
		return
	}
	mode := v.Mode
	if v.SpotCheck > 0 {
		mode += fmt.Sprintf(", spot-check probability %g", v.SpotCheck)
	}
	t.row("Verification:", fmt.Sprintf("%s (%s)", v.Verdict, mode))
	for _, sv := range v.Shards {
		line := fmt.Sprintf("shard %d %s", sv.Shard, sv.Verdict)
		if sv.Root != "" {
			line += " " + shortRoot(sv.Root)
		}
		line += fmt.Sprintf(": %d agree", len(sv.Agreeing))
		if len(sv.Dissenting) > 0 {
			var who []string
			for _, d := range sv.Dissenting {
				who = append(who, shortID(d.Provider))
			}
			line += fmt.Sprintf(", %d dissent (%s)", len(sv.Dissenting), strings.Join(who, ", "))
		}
		if sv.Checks > 0 {
			line += fmt.Sprintf(", %d check(s)", sv.Checks)
		}
		if sv.Why != "" {
			line += " — " + sv.Why
		}
		t.row("", line)
	}
}
