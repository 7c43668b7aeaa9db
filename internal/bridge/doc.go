// Package bridge moves the USD-pegged unit between Polkadot and the
// OpenSky chain, and anchors the OpenSky chain on Polkadot.
//
// One operator key controls the bridge account on both sides (ADR 8):
//
//   - Deposits: a user sends Utility.batch_all([transfer_keep_alive(bridge,
//     amount), System.remark_with_event(DepositMemo)]) on Polkadot. Once
//     the block holding it is finalized, the bridge mints the same amount
//     to the user's OpenSky account (same sr25519 key), keyed by the
//     transfer's place on Polkadot (block hash and event index), so the
//     ledger credits each deposit once whatever happens to the bridge.
//     A transfer with a wrong or missing memo, or an amount finer than the
//     OpenSky unit, is not credited; it is sent back.
//   - Withdrawals: a user burns on OpenSky (bank/burn naming a Polkadot
//     address); the bridge pays the amount out on Polkadot from the bridge
//     account, with a remark naming the burn, and knows a payout landed
//     only by seeing that remark in a finalized block.
//   - Anchors: every N OpenSky blocks it records the latest block hash on
//     Polkadot with System.remark_with_event.
//
// The bridge reads Polkadot only at or below its finalized head, so a
// re-org can never be seen. It keeps its cursors and every deposit,
// payout and anchor in a bbolt file and resumes from there after a
// restart or an outage of either chain. Only one of its Polkadot
// transactions is outstanding at a time: a payout is sent again only once
// its mortal era has ended without the remark being seen, so it is paid at
// most once.
package bridge
