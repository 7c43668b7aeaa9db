// Command statemint prints what an Asset Hub transfer needs from the
// Statemint metadata bundled with go-substrate-rpc-client.
package main

import (
	"fmt"
	"log"
	"strings"

	"github.com/centrifuge/go-substrate-rpc-client/v4/registry/test"
	"github.com/centrifuge/go-substrate-rpc-client/v4/types"
	"github.com/centrifuge/go-substrate-rpc-client/v4/types/codec"
)

var meta types.Metadata

func main() {
	if err := codec.DecodeFromHex(test.StatemintMetaHex, &meta); err != nil {
		log.Fatal(err)
	}
	m := meta.AsMetadataV14
	fmt.Println("metadata version", meta.Version, "types", len(m.Lookup.Types), "extrinsic version", m.Extrinsic.Version)
	for _, se := range m.Extrinsic.SignedExtensions {
		fmt.Printf("signed ext %-26s extra=%s additional=%s\n", se.Identifier, show(se.Type.Int64(), 0), show(se.AdditionalSigned.Int64(), 0))
	}
	// runtime version constant
	v, err := meta.FindConstantValue("System", "Version")
	if err != nil {
		log.Fatal(err)
	}
	var rv struct {
		SpecName, ImplName                     types.Text
		AuthoringVersion, SpecVersion, ImplVer types.U32
		Apis                                   []struct {
			ID  [8]byte
			Ver types.U32
		}
		TxVersion    types.U32
		StateVersion types.U8
	}
	if err := codec.Decode(v, &rv); err != nil {
		log.Fatal(err)
	}
	fmt.Println("runtime", rv.SpecName, "specVersion", rv.SpecVersion, "txVersion", rv.TxVersion)
	for _, c := range []string{"Assets.transfer", "Assets.transfer_keep_alive", "Balances.transfer", "Balances.transfer_keep_alive", "System.remark_with_event", "Utility.batch_all", "Multisig.as_multi"} {
		idx, err := meta.FindCallIndex(c)
		fmt.Printf("call %-28s index=%v err=%v\n", c, idx, err)
	}
	for _, p := range m.Pallets {
		if p.Name != "Assets" || !p.HasCalls {
			continue
		}
		t := m.EfficientLookup[p.Calls.Type.Int64()]
		for _, vr := range t.Def.Variant.Variants {
			if vr.Name != "transfer" && vr.Name != "transfer_keep_alive" {
				continue
			}
			for _, f := range vr.Fields {
				fmt.Printf("  Assets.%s arg %s: %s = %s\n", vr.Name, f.Name, f.TypeName, show(f.Type.Int64(), 0))
			}
		}
	}
	if err := checkAssetHub(); err != nil {
		log.Fatal("asset hub check: ", err)
	}
	for _, p := range m.Pallets {
		if p.Name == "AssetTxPayment" || p.Name == "Assets" {
			for _, e := range p.Constants {
				fmt.Printf("  const %s.%s = %x\n", p.Name, e.Name, e.Value)
			}
		}
	}
}

func show(id int64, depth int) string {
	t := meta.AsMetadataV14.EfficientLookup[id]
	if t == nil {
		return fmt.Sprintf("#%d?", id)
	}
	name := strings.Join(textList(t.Path), "::")
	if depth > 3 {
		return fmt.Sprintf("#%d %s", id, name)
	}
	d := t.Def
	switch {
	case d.IsPrimitive:
		return primName(d.Primitive.Si0TypeDefPrimitive)
	case d.IsCompact:
		return "Compact<" + show(d.Compact.Type.Int64(), depth+1) + ">"
	case d.IsTuple:
		if len(d.Tuple) == 0 {
			return "()"
		}
		var s []string
		for _, e := range d.Tuple {
			s = append(s, show(e.Int64(), depth+1))
		}
		return "(" + strings.Join(s, ", ") + ")"
	case d.IsSequence:
		return "Vec<" + show(d.Sequence.Type.Int64(), depth+1) + ">"
	case d.IsArray:
		return fmt.Sprintf("[%s; %d]", show(d.Array.Type.Int64(), depth+1), d.Array.Len)
	case d.IsComposite:
		var s []string
		for _, f := range d.Composite.Fields {
			s = append(s, string(f.Name)+":"+show(f.Type.Int64(), depth+1))
		}
		return name + "{" + strings.Join(s, ", ") + "}"
	case d.IsVariant:
		if name == "Option" {
			return "Option<" + show(d.Variant.Variants[1].Fields[0].Type.Int64(), depth+1) + ">"
		}
		var s []string
		for _, v := range d.Variant.Variants {
			s = append(s, fmt.Sprintf("%d:%s", v.Index, v.Name))
			if len(s) > 6 {
				s = append(s, "...")
				break
			}
		}
		return name + "<" + strings.Join(s, "|") + ">"
	}
	return fmt.Sprintf("#%d %s", id, name)
}

func textList(ts []types.Text) []string {
	var out []string
	for _, t := range ts {
		out = append(out, string(t))
	}
	return out
}

func primName(p types.Si0TypeDefPrimitive) string {
	names := map[types.Si0TypeDefPrimitive]string{types.IsBool: "bool", types.IsChar: "char", types.IsStr: "str", types.IsU8: "u8", types.IsU16: "u16", types.IsU32: "u32", types.IsU64: "u64", types.IsU128: "u128", types.IsU256: "u256", types.IsI8: "i8"}
	if n, ok := names[p]; ok {
		return n
	}
	return fmt.Sprintf("prim%d", p)
}
