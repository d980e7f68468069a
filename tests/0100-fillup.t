#!/bin/sh
# Fill-up (KB, 631) end to end after the initial entry (561).
. "$(dirname "$0")/lib.sh"

fresh
initial
is "$(stock own F126)" 100 "561 puts 100 F126 into own stock"

out=$(cs-order -f fillup -c 100001 F126:10 | cs-deliver | cs-pick | cs-issue)
is "$(stock own F126)" 90 "after fill-up of 10 F126: 90 own"
is "$(stock consignment F126 100001)" 10 "after fill-up: 10 in consignment at 100001"
is "$(stock consignment F126 100001 F126-B1)" 10 "taken from F126-B1, the first to expire"
is "$(place F126 F126-0001)" "consignment,100001" "lowest serial F126-0001 is at the customer"
is "$(place F126 F126-0010)" "consignment,100001" "F126-0010 is at the customer"
is "$(place F126 F126-0011)" "own," "F126-0011 stayed in own stock"
is "$(printf '%s\n' "$out" | col mvt | sort -u)" 631 "movement type 631"
done_testing
