package selection

// StorageSpace keeps providers that rent out storage and have room for
// the shard.
type StorageSpace struct{}

func (StorageSpace) Name() string { return "storage" }

func (StorageSpace) Feasible(r *Request, c *Candidate) bool {
	s := c.Presence.Storage
	return s != nil && s.FreeBytes >= r.StorageBytes
}

func (StorageSpace) Why(r *Request, c *Candidate) string {
	if c.Presence.Storage == nil {
		return "does not rent out storage"
	}
	return "not enough free storage"
}

// LowStoragePrice prefers cheaper storage: 1 for free, 0.5 at 2,000 µUSD
// ($0.002) per GB-month.
type LowStoragePrice struct{}

func (LowStoragePrice) Name() string { return "storage-price" }

func (LowStoragePrice) Score(_ *Request, c *Candidate) float64 {
	if c.Presence.Storage == nil {
		return 0
	}
	return 1 / (1 + float64(max(c.Presence.Storage.PricePerGBMonth, 0))/2000)
}

// FreeStorage prefers providers with more of their storage left, which
// spreads objects across the network.
type FreeStorage struct{}

func (FreeStorage) Name() string { return "free-storage" }

func (FreeStorage) Score(_ *Request, c *Candidate) float64 {
	if s := c.Presence.Storage; s != nil {
		return ratio(s.FreeBytes, s.TotalBytes)
	}
	return 0
}

// Storage is the pipeline that places the shards of a stored object:
// fresh providers with room for the shard, a record above the floor, none
// already holding a shard of the object; ranked by price, record, then
// room:
//
//	storage price 0.40, reputation 0.35, free storage 0.25
func Storage() Pipeline {
	return Pipeline{
		Filters: []Filter{Fresh{}, StorageSpace{}, ReputationFloor{}, Excluded{}},
		Rankers: []Weighted{
			{LowStoragePrice{}, 0.40},
			{Reputation{}, 0.35},
			{FreeStorage{}, 0.25},
		},
	}
}
