# round.awk - one day of business for the benchmark's generator (gen.sh):
# the request rows of its pipelines, made from what the earlier stages of
# the day posted.  Deterministic in any awk (own random numbers).
#
#   awk -v mode=fill -v r=R -v items=N -v nmat=M -v ncust=C -v init=FILE
#	fill-up requests to stdout (orders of 4 to 20 items, many
#	customers, each at its home plant), and to FILE the initial entries
#	(561) that give own stock for them: per material and storage
#	location, into the day's batch, with new serials
#   awk -v mode=use -v r=R -v pickup=FILE  FILLED.csv
#	from the day's posted fill-ups (cs-issue's rows): sold-quantity
#	reports (issue requests, about 60 %) to stdout, pickups (about 20 %)
#	to FILE; the rest stays at the customer
#   awk -v mode=return -v r=R  INVOICED.csv
#	from the day's invoiced issues (cs-bill's rows): returns of about
#	one item in five, a serial material by its serial
#   awk -v mode=pay -v r=R -v date=D  INVOICED.csv
#	payments of most invoices: in full, in part, or without naming one
function rnd(n) { seed = seed * 48271 % 2147483647; return seed % n }
# kind of material number i: as master.awk makes them
function isbatch(i) { i %= 20; return (i >= 14 && i <= 16) || i == 19 }
function isserial(i) { return i % 20 >= 17 }
function isweighed(i) { return i % 20 == 0 }
function matno(m) { return substr(m, 2) - 100000 }
# quantities as thousandths, to keep decimals exact
function milli(s,  p) {
	p = index(s, ".")
	if (!p) return s * 1000
	return substr(s, 1, p - 1) * 1000 + substr(substr(s, p + 1) "000", 1, 3)
}
function qtystr(t) {
	if (t % 1000 == 0) return t / 1000
	return sprintf("%d.%03d", int(t / 1000), t % 1000)
}
function cents(s,  p) {
	p = index(s, ".")
	if (!p) return s * 100
	return substr(s, 1, p - 1) * 100 + substr(substr(s, p + 1) "00", 1, 2)
}
function header(  i) { for (i = 1; i <= NF; i++) col[$i] = i }
BEGIN {
	FS = ","
	seed = 1 + (r * 7919 + (mode == "fill" ? 1 : mode == "use" ? 2 : \
	    mode == "return" ? 3 : 4)) % 2147483646
	if (mode == "fill") { fill(); exit }
}
function fill(  norders, o, c, ci, n, k, i, m, q, key, used, pl, j, s, b) {
	split("1000,1040|1000,1050|2000,2040|3000,3040", plant, "|")
	norders = int(items / 12) + 1
	print "customer,material,qty,plant,sloc,po"
	for (o = 0; o < norders && items > 0; o++) {
		ci = (r * norders + o) * 7 % ncust
		c = 200001 + ci; pl = plant[1 + ci % 4]
		n = 4 + rnd(17); if (n > items) n = items; items -= n
		split("", used)
		for (k = 0; k < n; k++) {
			do i = 1 + rnd(nmat); while (i in used)
			used[i] = 1
			m = sprintf("M%06d", 100000 + i)
			q = isserial(i) ? (1 + rnd(3)) * 1000 : \
			    isweighed(i) ? (1 + rnd(400)) * 100 : (1 + rnd(40)) * 1000
			printf "%d,%s,%s,%s,FU%d-%d\n", c, m, qtystr(q), pl, r, o
			key = m "," pl
			if (!(key in need)) order[++nkeys] = key
			need[key] += q
		}
	}
	print "material,plant,sloc,batch,serials,qty" > init
	for (k = 1; k <= nkeys; k++) {
		key = order[k]; split(key, f, ","); i = matno(f[1])
		b = isbatch(i) ? sprintf("%s-%02d", f[1], 1 + r % 6) : ""
		s = ""
		if (isserial(i))
			for (j = 1; j <= need[key] / 1000; j++)
				s = s (j > 1 ? " " : "") sprintf("SN%05d%05d", r, ++ser[f[1]])
		printf "%s,%s,%s,%s\n", key, b, s, qtystr(need[key]) > init
	}
}
NR == 1 { header(); if (mode == "use") print "customer,material,qty,plant,sloc,po" > pickup
	if (mode == "use") print "customer,material,qty,plant,sloc,po"
	if (mode == "return") print "customer,material,qty,batch,serials,plant,sloc,po"
	if (mode == "pay") print "customer,amount,currency,date,ref,document"
	next }
mode == "use" {
	# one row per material document item: add up batches of an item, and
	# keep a customer's rows together (one report, one order, per day)
	c = $col["customer"]
	key = c "," $col["material"] "," $col["plant"] "," $col["sloc"]
	if (!(c in nkc)) cust[++ncu] = c
	if (!(key in got)) seen[c, ++nkc[c]] = key
	got[key] += milli($col["qty"])
}
mode == "return" && rnd(5) == 0 {
	i = matno($col["material"]); q = milli($col["qty"])
	if (isserial(i)) { split($col["serials"], s, " "); sr = s[1 + rnd(q / 1000)]; q = 1000 }
	else { sr = ""; q = int(q * 3 / 10); if (isweighed(i)) q -= q % 100; else q -= q % 1000
		if (q == 0) q = isweighed(i) ? 100 : 1000 }
	c = $col["customer"]
	if (!(c in nrc)) cust[++ncu] = c
	ret[c, ++nrc[c]] = sprintf("%s,%s,%s,%s,%s,%s,%s,RT%d-%s", c,
	    $col["material"], qtystr(q), $col["batch"], sr, $col["plant"],
	    $col["sloc"], r, c)
}
mode == "pay" {
	b = $col["billing"]
	if (!(b in gross)) { bill[++nb] = b; cust[b] = $col["customer"] }
	gross[b] += cents($col["gross"])
}
END {
	if (mode == "return")
		for (u = 1; u <= ncu; u++)
			for (k = 1; k <= nrc[cust[u]]; k++)
				print ret[cust[u], k]
	if (mode == "use")
		for (u = 1; u <= ncu; u++) for (k = 1; k <= nkc[cust[u]]; k++) {
			key = seen[cust[u], k]
			split(key, f, ","); i = matno(f[2]); q = got[key]
			step = isserial(i) ? 1000 : isweighed(i) ? 100 : 1000
			iss = int((q * 6 / 10 + step / 2) / step) * step
			pu = int(q * 2 / 10 / step) * step
			if (iss + pu > q) iss = q - pu
			po = f[1]
			if (iss > 0) printf "%s,%s,%s,%s,%s,SR%d-%s\n", f[1], f[2], qtystr(iss), f[3], f[4], r, po
			if (pu > 0) printf "%s,%s,%s,%s,%s,PU%d-%s\n", f[1], f[2], qtystr(pu), f[3], f[4], r, po > pickup
		}
	if (mode == "pay")
		for (k = 1; k <= nb; k++) {
			b = bill[k]; g = gross[b]; x = rnd(20)
			if (x < 2) continue				# not paid yet
			if (x == 2) g = int(g / 2)			# paid in part
			doc = x == 3 ? "" : b				# oldest first
			printf "%s,%d.%02d,EUR,%s,BANK-%d-%d,%s\n", cust[b],
			    int(g / 100), g % 100, date, r, k, doc
		}
}
