package bridge

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
)

// The memos the bridge reads and writes as System.remark_with_event. The
// event carries only blake2_256 of the remark, so every memo can be
// rebuilt from OpenSky data and compared by hash.
const (
	depositPrefix    = "opensky/deposit/1:"
	withdrawalPrefix = "opensky/withdrawal/1:"
	refundPrefix     = "opensky/refund/1:"
	anchorPrefix     = "opensky/anchor/1:"
	feesPrefix       = "opensky/fees/1:"
)

// FeesMemo marks a transfer to the bridge account that pays its Polkadot
// fees: it is kept, neither credited nor sent back.
func FeesMemo(chainID string) string { return feesPrefix + chainID }

// DepositMemo is the remark a deposit to the chain chainID for the
// account addr (SS58, OpenSky form) carries in the same batch as its
// transfer.
func DepositMemo(chainID, addr string) string {
	return depositPrefix + chainID + ":" + addr
}

func withdrawalMemo(chainID, burnTx string) string {
	return withdrawalPrefix + chainID + ":" + burnTx
}

func refundMemo(chainID, ref string) string {
	return refundPrefix + chainID + ":" + ref
}

// AnchorMemo is the remark that anchors the block of the chain chainID at
// height with hash blockHash (hex, upper or lower case).
func AnchorMemo(chainID string, height int64, blockHash string) string {
	return anchorPrefix + chainID + ":" + strconv.FormatInt(height, 10) + ":" + strings.ToLower(blockHash)
}

// ParseAnchorMemo reads an anchor memo back; it accepts only what
// AnchorMemo writes.
func ParseAnchorMemo(memo string) (chainID string, height int64, blockHash string, err error) {
	rest, ok := strings.CutPrefix(memo, anchorPrefix)
	if !ok || len(memo) > 512 {
		return "", 0, "", fmt.Errorf("not an anchor memo: %.80q", memo)
	}
	// The chain ID may itself hold colons; height and hash are the last two.
	i := strings.LastIndexByte(rest, ':')
	if i < 0 {
		return "", 0, "", fmt.Errorf("anchor memo %.80q: no block hash", memo)
	}
	blockHash, rest = rest[i+1:], rest[:i]
	j := strings.LastIndexByte(rest, ':')
	if j < 0 {
		return "", 0, "", fmt.Errorf("anchor memo %.80q: no height", memo)
	}
	chainID = rest[:j]
	height, err = strconv.ParseInt(rest[j+1:], 10, 64)
	if err != nil || height < 1 || strconv.FormatInt(height, 10) != rest[j+1:] {
		return "", 0, "", fmt.Errorf("anchor memo %.80q: bad height", memo)
	}
	if b, err := hex.DecodeString(blockHash); err != nil || len(b) != 32 || strings.ToLower(blockHash) != blockHash {
		return "", 0, "", fmt.Errorf("anchor memo %.80q: the block hash is not 32 bytes of lower-case hex", memo)
	}
	if chainID == "" {
		return "", 0, "", fmt.Errorf("anchor memo %.80q: no chain ID", memo)
	}
	return chainID, height, blockHash, nil
}
