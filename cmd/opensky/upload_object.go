package main

import (
	"context"
	"fmt"

	"github.com/opensky-network/opensky/internal/identity"
	"github.com/opensky-network/opensky/internal/storage/seal"
)

// objectOpener opens stored objects for jobs: it unwraps each object's
// key with the wallet (asked for once) and has the gateway decrypt the
// object into a blob the job's providers fetch.
type objectOpener struct {
	acct *identity.Account
	refs map[string]string // CID -> blob reference
}

// openObject returns a blob reference holding the plaintext of the
// stored object cid. The object key goes to the gateway for this call
// only: to compute on data, the job's providers must see it.
func (u *uploader) openObject(ctx context.Context, cid string) (string, error) {
	if ref, ok := u.objects.refs[cid]; ok {
		return ref, nil
	}
	if err := seal.ParseCID(cid); err != nil {
		return "", err
	}
	o, err := u.c.Object(ctx, cid)
	if err != nil {
		return "", err
	}
	if u.objects.acct == nil {
		name := walletNameFlag()
		if u.objects.acct, err = decryptWallet(name); err != nil {
			return "", fmt.Errorf("open stored object %s: %w", cid, err)
		}
	}
	key, err := seal.UnwrapKey(u.objects.acct, o.WrappedKey)
	if err != nil {
		return "", fmt.Errorf("stored object %s is not sealed to wallet account %s: %w", cid, u.objects.acct.Address(), err)
	}
	b, err := u.c.ObjectBlob(ctx, cid, key)
	if err != nil {
		return "", fmt.Errorf("open stored object %s: %w", cid, err)
	}
	if u.objects.refs == nil {
		u.objects.refs = map[string]string{}
	}
	u.objects.refs[cid] = b.Hash
	return b.Hash, nil
}
