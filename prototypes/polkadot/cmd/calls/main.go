// Command calls reports which call names a live node's runtime knows.
package main

import (
	"fmt"
	"log"
	"os"

	gsrpc "github.com/centrifuge/go-substrate-rpc-client/v4"
)

func main() {
	api, err := gsrpc.NewSubstrateAPI(os.Args[1])
	if err != nil {
		log.Fatal(err)
	}
	meta, err := api.RPC.State.GetMetadataLatest()
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range []string{"Balances.transfer", "Balances.transfer_keep_alive", "Balances.transfer_allow_death", "System.remark_with_event", "Utility.batch_all", "Multisig.as_multi", "Multisig.approve_as_multi", "Assets.transfer"} {
		idx, err := meta.FindCallIndex(c)
		fmt.Printf("%-30s %v %v\n", c, idx, err)
	}
	ed, _ := meta.FindConstantValue("Balances", "ExistentialDeposit")
	fmt.Printf("Balances.ExistentialDeposit %x\n", ed)
	props, err := api.RPC.System.Properties()
	fmt.Printf("properties %+v %v\n", props, err)
}
