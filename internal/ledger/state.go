package ledger

// Keys of the state. Every record is canonical JSON.
const (
	keyChainID   = "meta/chainId"
	keyParams    = "meta/params"
	keySupply    = "meta/supply"
	keyTreasury  = "meta/treasury"
	keyMarket    = "market/index"
	keyUnbonding = "registry/unbonding"
	prefAccount  = "acct/"
	prefProvider = "prov/"
	prefPeer     = "peer/"
	prefEscrow   = "escrow/"
	prefJob      = "job/" // + arbiter + "/" + job ID
	prefRep      = "rep/"
	prefMintRef  = "mint/"
)

// Account is a balance and the nonce of the next transaction.
type Account struct {
	Address string `json:"address"`
	Balance int64  `json:"balance"`
	Nonce   uint64 `json:"nonce"`
}

// Supply is what was created and destroyed since genesis.
type Supply struct {
	Genesis int64 `json:"genesis"`
	Minted  int64 `json:"minted"`
	Burned  int64 `json:"burned"`
}

// Total is the supply that must be held somewhere on the chain.
func (s Supply) Total() int64 { return s.Genesis + s.Minted - s.Burned }

// Treasury holds protocol fees.
type Treasury struct {
	Balance int64 `json:"balance"`
}

// read decodes the record at key into v and reports whether it exists.
// State is only written by this package, so a record that does not decode
// is a broken invariant.
func read(s kv, key string, v any) bool {
	b, ok := s.get(key)
	if !ok {
		return false
	}
	if err := unmarshalJSON(b, v); err != nil {
		panic("ledger: corrupt record " + key + ": " + err.Error())
	}
	return true
}

func write(s kv, key string, v any) { s.set(key, mustMarshal(v)) }

func getAccount(s kv, addr string) (Account, bool) {
	a := Account{Address: addr}
	ok := read(s, prefAccount+addr, &a)
	return a, ok
}

func putAccount(s kv, a Account) { write(s, prefAccount+a.Address, a) }

func getSupply(s kv) Supply {
	var v Supply
	read(s, keySupply, &v)
	return v
}

func getTreasury(s kv) Treasury {
	var v Treasury
	read(s, keyTreasury, &v)
	return v
}

func getParams(s kv) Params {
	var p Params
	if !read(s, keyParams, &p) {
		return DefaultParams()
	}
	return p
}
