# master.awk - master data for the benchmark: thousands of materials
# (plain, batch-managed, serial-managed, both), thousands of customers,
# four storage locations in three plants, prices with customer-specific
# rows, batches with expiry dates, consignment targets.
#
#   awk -v dir=DIR [-v nmat=5000] [-v ncust=3000] -f master.awk
#
# Deterministic in any awk: its own random numbers (MINSTD), not rand().
# The material's kind follows its number, so other scripts can tell it
# without reading materials.csv: see kind() in round.awk.
function rnd(n) { seed = seed * 48271 % 2147483647; return seed % n }
function money(c) { return sprintf("%d.%02d", int(c / 100), c % 100) }
BEGIN {
	if (dir == "") { print "master.awk: dir not set" > "/dev/stderr"; exit 2 }
	if (!nmat) nmat = 5000
	if (!ncust) ncust = 3000
	seed = 20260101
	split("Hip stem|Knee insert|Bone screw|Bone plate|Bone cement|" \
	    "Pacemaker lead|Stent|Catheter|Suture|Dressing|Infusion set|" \
	    "Cannula|Glove box|Syringe|Contrast agent|Gauze", noun, "|")
	mf = dir "/materials.csv"; pf = dir "/prices.csv"; bf = dir "/batches.csv"
	print "material,description,unit,batch,serial,cost,currency" > mf
	print "material,customer,price,currency,valid_from,valid_to" > pf
	print "material,batch,expiry" > bf
	for (i = 1; i <= nmat; i++) {
		m = sprintf("M%06d", 100000 + i); k = i % 20
		batch = (k >= 14 && k <= 16) || k == 19 ? "y" : "n"
		serial = k >= 17 ? "y" : "n"
		# a few plain materials are weighed, with decimal quantities
		unit = k == 0 ? "KG" : "PC"
		cost = 50 + rnd(serial == "y" ? 60000 : 9000)
		printf "%s,%s %d,%s,%s,%s,%s,EUR\n", m, noun[1 + i % 16],
		    1 + rnd(90), unit, batch, serial, money(cost) > mf
		# an old general price, today's, and one for some customers
		printf "%s,,%s,EUR,2015-01-01,2019-12-31\n", m,
		    money(int(cost * 1.4)) > pf
		printf "%s,,%s,EUR,2020-01-01,2099-12-31\n", m,
		    money(int(cost * (15 + rnd(10)) / 10)) > pf
		if (i % 3 == 0)
			printf "%s,%d,%s,EUR,2020-01-01,2099-12-31\n", m,
			    200001 + rnd(ncust), money(int(cost * 1.3)) > pf
		if (batch == "y")
			for (b = 1; b <= 6; b++)
				printf "%s,%s-%02d,20%02d-%02d-28\n", m, m, b,
				    27 + rnd(4), 1 + rnd(12) > bf
	}
	cf = dir "/customers.csv"
	print "customer,name,currency,tax_rate,terms_days" > cf
	split("Klinikum|Hospital|Praxis|Clinic|Medical Centre|Spital", kind, "|")
	split("Nord|Süd|Ost|West|Mitte|am See|St. Marien|上海仁济", town, "|")
	for (i = 1; i <= ncust; i++)
		printf "%d,%s %s %d,EUR,%d,%d\n", 200000 + i, kind[1 + i % 6],
		    town[1 + rnd(8)], i, i % 5 == 0 ? 7 : 19,
		    i % 3 == 0 ? 60 : 30 > cf
	lf = dir "/plants.csv"
	print "plant,sloc,ship_point" > lf
	print "1000,1040,1000" > lf
	print "1000,1050,1001" > lf
	print "2000,2040,2000" > lf
	print "3000,3040,3000" > lf
	tf = dir "/targets.csv"
	print "customer,material,min,max" > tf
	for (i = 1; i <= ncust; i += 7)
		printf "%d,M%06d,5,20\n", 200000 + i, 100001 + rnd(nmat) > tf
}
