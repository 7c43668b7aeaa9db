package p2p

import (
	pubsub "github.com/libp2p/go-libp2p-pubsub"
	pb "github.com/libp2p/go-libp2p-pubsub/pb"
	"github.com/libp2p/go-libp2p/core/peer"
)

const acceptResult = pubsub.ValidationAccept

// pubsubMessage builds a message as pubsub hands it to a validator.
func pubsubMessage(from peer.ID, data []byte) *pubsub.Message {
	return &pubsub.Message{Message: &pb.Message{From: []byte(from), Data: data}, ReceivedFrom: from}
}
