package main

import (
	"cmp"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/opensky-network/opensky/internal/api"
)

func newTokenCreateCmd(g *globals) *cobra.Command {
	var name, expires, output string
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Make an API token for the wallet's account (shown once)",
		Long: `Make an API token bound to the wallet's account. The request is signed with
the wallet (an API token cannot make more tokens), so the wallet's passphrase
is needed (OPENSKY_PASSPHRASE, or asked on the terminal).

The token is printed once, on stdout; the gateway keeps only a hash of it.
--expires takes a duration (90m, 12h, 30d) or a date (2026-12-31 or an RFC 3339
time); by default the token works until it is revoked.`,
		Example: `  opensky token create --name ci --expires 30d
  export OPENSKY_TOKEN=$(opensky token create --name laptop)`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			at, err := parseExpiry(expires, time.Now())
			if err != nil {
				return err
			}
			t, err := g.signedClient().CreateToken(cmd.Context(), api.TokenRequest{Name: name, ExpiresAt: at})
			if err != nil {
				return err
			}
			if output != formatTable {
				return printData(cmd.OutOrStdout(), output, t)
			}
			fmt.Fprintln(cmd.OutOrStdout(), t.Value)
			exp := "never"
			if !t.ExpiresAt.IsZero() {
				exp = t.ExpiresAt.Local().Format(time.RFC3339)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "token %s (%s) for %s, expires %s\n", t.ID, cmp.Or(t.Name, "unnamed"), t.Account, exp)
			fmt.Fprintf(cmd.ErrOrStderr(), "it is shown only now: keep it secret; set %s to it, or paste it into the web interface's sign-in page\n", api.EnvToken)
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&name, "name", "", "a name to tell the token apart (at most 64 bytes)")
	fl.StringVar(&expires, "expires", "", "when the token stops working: a duration (30d, 12h) or a date; default never")
	addWalletFlag(cmd, new(string), "wallet whose account the token is for, which signs the request")
	addFormatFlag(cmd, &output, formatTable, formatJSON, formatYAML)
	return cmd
}

// parseExpiry reads --expires: "" or "never" (zero time), a duration
// ("90m", "12h", "30d"), a date ("2026-12-31", midnight UTC) or an RFC 3339
// time.
func parseExpiry(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "" || s == "never":
		return time.Time{}, nil
	case strings.HasSuffix(s, "d"):
		days, err := strconv.Atoi(strings.TrimSuffix(s, "d"))
		if err != nil || days <= 0 || days > 3650 {
			return time.Time{}, fmt.Errorf("--expires %q: use a number of days from 1 to 3650, such as 30d", s)
		}
		return now.Add(time.Duration(days) * 24 * time.Hour), nil
	}
	if d, err := time.ParseDuration(s); err == nil {
		if d <= 0 {
			return time.Time{}, errors.New("--expires must be in the future")
		}
		return now.Add(d), nil
	}
	for _, layout := range []string{time.RFC3339, time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			if !t.After(now) {
				return time.Time{}, fmt.Errorf("--expires %q is not in the future", s)
			}
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("--expires %q: use a duration (90m, 12h, 30d), a date (2026-12-31) or an RFC 3339 time", s)
}
