// Search relevance: what a Pune shopper types (English, Hinglish and Marathi names, in Latin
// letters or Devanagari, misspellings, brands) and what must come first. Three always-open shops in an empty corner of
// the map (south-east of the city, away from every other test's shops) each carry the seed's
// whole catalogue; the shopper searches over REST with supabase-js, as the app does.
//
// "The top 3" are the first three distinct products of the answer: the same product at three
// shops is one product.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { CATALOGUE } from "../../seed/catalogue.js";
import { client, db, signUp } from "../support/env.js";

const sql = db();
const SHOPPER = { lat: 18.25, lng: 74.25 };
const storeIds: string[] = [];

before(async () => {
  const { userId: ownerId } = await signUp("merchant", "relevance");
  const allDay = Object.fromEntries(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [d, [["00:00", "24:00"]]]));
  // 150 m, 800 m and 1.6 km north of the shopper.
  for (const [i, metres] of [150, 800, 1600].entries()) {
    const [store] = await sql`
      insert into public.stores (owner_id, name, address, location, status, opening_hours, delivery_radius_m)
      values (${ownerId}, ${`Relevance Kirana ${i + 1}`}, 'Relevance Road, Pune', ${`SRID=4326;POINT(${SHOPPER.lng} ${SHOPPER.lat + metres / 111_320})`},
              'approved', ${allDay as never}, 3000)
      returning id`;
    storeIds.push(store!.id);
    const rows = CATALOGUE.map((item) => ({
      store_id: store!.id, sku: item.sku, name: item.name, local_name: item.localName ?? null, description: item.description, category: item.category,
      unit: item.unit, price_paise: item.pricePaise, stock: 20,
    }));
    await sql`insert into public.products ${sql(rows)}`;
  }
});

after(async () => {
  await sql`delete from public.products where store_id = any(${storeIds})`;
  await sql`delete from public.stores where id = any(${storeIds})`;
  await sql.end();
});

/** The first three distinct product names `query` finds for the shopper, best first. */
async function top3(query: string): Promise<string[]> {
  const { data, error } = await client().rpc("search_products", { query, ...SHOPPER, max_results: 30 });
  assert.equal(error, null);
  assert.ok(data!.every((r) => storeIds.includes(r.store_id!)), "only the fixture shops are near the shopper");
  return [...new Set(data!.map((r) => r.product_name!))].slice(0, 3);
}

type Expect = string | RegExp;
interface Case {
  /** Each must name one of the top 3. */
  top: Expect[];
  /** Every one of the top 3 must match. */
  all?: RegExp;
}
const matches = (name: string, e: Expect) => (typeof e === "string" ? name === e : e.test(name));

const CASES: Record<string, Case> = {
  // Staples, by brand, Hindi and Marathi name, and as people spell them
  atta: { top: [/Chakki.* Atta 5 kg/], all: /Atta 5 kg$/ },
  aata: { top: [/Chakki.* Atta 5 kg/], all: /Atta 5 kg$/ },
  "ashirvad atta": { top: ["Aashirvaad Shudh Chakki Atta 5 kg"] },
  "fortune atta": { top: ["Fortune Chakki Fresh Atta 5 kg"] },
  wheat: { top: ["Wheat (Gehu / Gahu) Sharbati 1 kg"] },
  gehu: { top: ["Wheat (Gehu / Gahu) Sharbati 1 kg"] },
  maida: { top: ["Maida (Refined Flour) 1 kg"] },
  besan: { top: ["Tata Sampann Besan 500 g"] },
  "jwari peeth": { top: ["Jowar Flour (Jwari Peeth) 1 kg"] },
  nachni: { top: ["Ragi Flour (Nachni Peeth) 500 g"] },
  rice: { top: [/Rice/], all: /Rice/ },
  chawal: { top: ["Kolam Rice (Chawal) 1 kg"], all: /Rice/ },
  tandul: { top: ["Indrayani Rice (Chawal / Tandul) 1 kg"] },
  basmati: { top: ["India Gate Basmati Rice Classic 1 kg"] },
  "toor dal": { top: ["Toor Dal (Arhar / Tur Dal) 1 kg"] },
  "tur dal": { top: ["Toor Dal (Arhar / Tur Dal) 1 kg"] },
  "moong dal": { top: ["Moong Dal (Yellow) 1 kg"] },
  masoor: { top: ["Masoor Dal (Red Lentils) 1 kg"] },
  rava: { top: ["Rava (Sooji / Semolina) 1 kg"] },
  sooji: { top: ["Rava (Sooji / Semolina) 1 kg"] },
  pohe: { top: [/^Poha (Thick|Thin)/] },
  sabudana: { top: ["Sabudana (Sago) 500 g"] },
  chole: { top: ["Kabuli Chana (Chole) 1 kg"] },
  rajma: { top: ["Rajma (Red Kidney Beans) 500 g"] },
  sugar: { top: [/^Sugar \(Cheeni/] },
  cheeni: { top: [/^Sugar \(Cheeni/] },
  sakhar: { top: [/^Sugar \(Cheeni/] },
  salt: { top: ["Tata Salt (Namak) 1 kg"], all: /Salt/ },
  namak: { top: ["Tata Salt (Namak) 1 kg"] },
  gul: { top: [/^Jaggery/] },
  tel: { top: ["Groundnut Oil (Shengdana Tel) 1 L"] },
  "sunflower oil": { top: [/Sunflower Oil/], all: /Sunflower Oil/ },
  ghee: { top: [/Ghee/], all: /Ghee/ },
  tup: { top: ["Buffalo Ghee (Tup) Loose 250 g"] },
  // Vegetables and fruit
  potato: { top: ["Potato (Aloo)"], all: /Potato/ },
  aloo: { top: ["Potato (Aloo)"] },
  batata: { top: ["Potato (Aloo)"], all: /Potato/ },
  onion: { top: ["Onion (Pyaz / Kanda)"], all: /Onion/ },
  kanda: { top: ["Onion (Pyaz / Kanda)"] },
  pyaz: { top: ["Onion (Pyaz / Kanda)"] },
  pyaaz: { top: ["Onion (Pyaz / Kanda)"] },
  tomato: { top: ["Tomato (Tamatar)"] },
  tometo: { top: ["Tomato (Tamatar)"] },
  tamatar: { top: ["Tomato (Tamatar)"] },
  kothimbir: { top: ["Coriander (Kothimbir)"] },
  dhaniya: { top: ["Coriander (Kothimbir)"] },
  palak: { top: ["Spinach (Palak)"] },
  methi: { top: ["Methi (Fenugreek Leaves)"] },
  bhindi: { top: ["Lady Finger (Bhindi)"] },
  ladyfinger: { top: ["Lady Finger (Bhindi)"] },
  vangi: { top: ["Brinjal (Baingan / Vangi)"] },
  mirchi: { top: ["Green Chilli (Hirvi Mirchi)"] },
  adrak: { top: ["Ginger (Adrak / Ale)"] },
  lasun: { top: ["Garlic (Lehsun / Lasun)"] },
  limbu: { top: ["Lemon (Nimbu / Limbu)"] },
  gajar: { top: ["Carrot (Gajar)"] },
  "shimla mirch": { top: ["Capsicum (Shimla Mirch)"] },
  matar: { top: ["Green Peas (Matar / Vatana)"] },
  cauliflower: { top: ["Cauliflower (Phool Gobhi / Flower)"] },
  kakdi: { top: ["Cucumber (Kakdi / Kheera)"] },
  dudhi: { top: ["Bottle Gourd (Lauki / Dudhi)"] },
  kela: { top: [/^Banana \(Kela\)/] },
  seb: { top: ["Apple Shimla (Seb)"] },
  hapus: { top: ["Alphonso Mango (Hapus) 1 dozen"] },
  aam: { top: ["Kesar Mango (Aam)"] },
  chikoo: { top: ["Sapota (Chikoo)"] },
  dalimb: { top: ["Pomegranate (Anar / Dalimb)"] },
  kalingad: { top: ["Watermelon (Tarbooj / Kalingad)"] },
  santra: { top: ["Orange (Santra) Nagpur"] },
  grapes: { top: [/Grapes/], all: /Grapes/ },
  // Milk, curd, paneer, eggs, bread
  milk: { top: [/(Cow|Toned|Full Cream) Milk/], all: /\bMilk\b/ },
  mlk: { top: [/(Cow|Toned|Full Cream) Milk/], all: /\bMilk\b/ },
  doodh: { top: [/Amul Taaza Toned Milk \(Doodh\)/], all: /\bMilk\b/ },
  "gokul milk": { top: ["Gokul Cow Milk 500 ml"] },
  dahi: { top: [/Curd \(Dahi\)/], all: /Curd/ },
  curd: { top: [/Curd \(Dahi\)/], all: /Curd/ },
  paneer: { top: [/Paneer 200 g/], all: /Paneer 200 g/ },
  panner: { top: [/Paneer 200 g/], all: /Paneer 200 g/ },
  butter: { top: ["Amul Butter (Makhan) 100 g"] },
  "amul butter": { top: ["Amul Butter (Makhan) 100 g"] },
  makhan: { top: ["Amul Butter (Makhan) 100 g"] },
  chaas: { top: ["Amul Masti Buttermilk (Chaas / Taak) 500 ml"] },
  taak: { top: ["Amul Masti Buttermilk (Chaas / Taak) 500 ml"] },
  cheese: { top: ["Amul Cheese Slices 200 g"] },
  shrikhand: { top: ["Chitale Kesar Shrikhand 500 g"] },
  eggs: { top: [/Eggs/], all: /Eggs/ },
  anda: { top: [/Eggs \(Anda\)/] },
  bread: { top: [/Bread 400 g/], all: /Bread|Pav/ },
  "brown bread": { top: ["Britannia Brown Bread 400 g"] },
  pav: { top: [/^Ladi Pav/] },
  // Brands, packaged food and misspellings of them
  maggi: { top: [/^Maggi 2-Minute Masala Noodles/] },
  maggie: { top: [/^Maggi 2-Minute Masala Noodles/] },
  "parle-g": { top: ["Parle-G Original Glucose Biscuits 250 g"] },
  parleg: { top: ["Parle-G Original Glucose Biscuits 250 g"] },
  "good day": { top: ["Britannia Good Day Cashew Cookies 200 g"] },
  biskit: { top: [/Biscuits/], all: /Biscuits/ },
  chips: { top: ["Lay's Classic Salted Chips 50 g", "Banana Chips (Kela Wafers) 200 g"] },
  kurkure: { top: ["Kurkure Masala Munch 82 g"] },
  bhakarwadi: { top: ["Chitale Bhakarwadi 250 g"] },
  chai: { top: [/Tea/], all: /Tea/ },
  "red label": { top: ["Brooke Bond Red Label Tea 500 g"] },
  coffee: { top: [/Coffee/], all: /Coffee/ },
  haldi: { top: ["Everest Turmeric Powder (Haldi) 200 g"] },
  jeera: { top: ["Cumin Seeds (Jeera) 100 g"] },
  "goda masala": { top: ["Bedekar Goda Masala 100 g"] },
  "pav bhaji masala": { top: ["Everest Pav Bhaji Masala 100 g"] },
  kaju: { top: ["Cashew (Kaju) W320 250 g"] },
  badam: { top: ["Almonds (Badam) California 250 g"] },
  khajur: { top: ["Lion Seedless Dates (Khajur) 500 g"] },
  ketchup: { top: ["Kissan Fresh Tomato Ketchup 850 g"] },
  ketchap: { top: ["Kissan Fresh Tomato Ketchup 850 g"] },
  "peanut butter": { top: ["Dr. Oetker FunFoods Peanut Butter Crunchy 340 g"] },
  "thums up": { top: ["Thums Up 750 ml"] },
  "coca cola": { top: ["Coca-Cola 750 ml"] },
  laddu: { top: [/Ladoo/], all: /Ladoo/ },
  "gulab jamun": { top: ["Gulab Jamun 500 g"] },
  chikki: { top: ["Lonavala Peanut Chikki 250 g"] },
  // Meat and fish
  chiken: { top: [/^Chicken/], all: /Chicken/ },
  mutton: { top: [/^Mutton/], all: /Mutton/ },
  kolambi: { top: ["Prawns Medium (Kolambi) Cleaned 500 g"] },
  // Household, personal care, medicines, pooja
  soap: { top: [/Soap/], all: /Soap/ },
  detol: { top: [/^Dettol/], all: /Dettol/ },
  colgate: { top: [/^Colgate/], all: /Colgate/ },
  shampo: { top: [/Shampoo/], all: /Shampoo/ },
  "surf excel": { top: [/^Surf Excel/] },
  harpic: { top: ["Harpic Power Plus Toilet Cleaner 1 L"] },
  pampers: { top: ["Pampers Baby Dry Pants Medium 28 pcs"] },
  paracetamol: { top: ["Dolo 650 Paracetamol Tablets (Strip of 15)"] },
  crocin: { top: ["Crocin Advance 500 mg Tablets (Strip of 15)"] },
  agarbatti: { top: ["Cycle Three in One Agarbatti"] },
  kapur: { top: ["Camphor Tablets (Kapur) 50 g"] },
  jhadu: { top: ["Grass Broom (Phool Jhadu)"] },
  notebook: { top: ["Classmate Long Notebook Single Line 172 pages"] },
  // Hindi in Devanagari, as typed on a phone (with or without nukta, chandrabindu, long vowels)
  "आलू": { top: ["Potato (Aloo)"], all: /Potato/ },
  "आलु": { top: ["Potato (Aloo)"], all: /Potato/ },
  "प्याज़": { top: ["Onion (Pyaz / Kanda)"], all: /Onion/ },
  "प्याज": { top: ["Onion (Pyaz / Kanda)"], all: /Onion/ },
  "टमाटर": { top: ["Tomato (Tamatar)"] },
  "टमाटार": { top: ["Tomato (Tamatar)"] },
  "दूध": { top: [/(Cow|Toned|Full Cream) Milk/], all: /\bMilk\b/ },
  "दुध": { top: [/(Cow|Toned|Full Cream) Milk/], all: /\bMilk\b/ },
  "दही": { top: [/Curd \(Dahi\)/], all: /Curd/ },
  "पनीर": { top: [/Paneer 200 g/], all: /Paneer 200 g/ },
  "मक्खन": { top: ["Amul Butter (Makhan) 100 g"] },
  "घी": { top: [/Ghee/], all: /Ghee/ },
  "अंडे": { top: [/Eggs \(Anda\)/], all: /Eggs/ },
  "चावल": { top: [/Rice/], all: /Rice/ },
  "आटा": { top: [/Chakki.* Atta 5 kg/], all: /Atta 5 kg$/ },
  "चीनी": { top: [/^Sugar \(Cheeni/] },
  "नमक": { top: ["Tata Salt (Namak) 1 kg"], all: /Salt/ },
  "धनिया": { top: ["Coriander (Kothimbir)"] },
  "अदरक": { top: ["Ginger (Adrak / Ale)"] },
  "लहसुन": { top: ["Garlic (Lehsun / Lasun)"] },
  "नींबू": { top: ["Lemon (Nimbu / Limbu)"] },
  "केला": { top: [/^Banana \(Kela\)/] },
  "सेब": { top: ["Apple Shimla (Seb)"] },
  "हल्दी": { top: ["Everest Turmeric Powder (Haldi) 200 g"] },
  "जीरा": { top: ["Cumin Seeds (Jeera) 100 g"] },
  "गेहूँ": { top: ["Wheat (Gehu / Gahu) Sharbati 1 kg"] },
  "गेहूं": { top: ["Wheat (Gehu / Gahu) Sharbati 1 kg"] },
  "मूंग दाल": { top: ["Moong Dal (Yellow) 1 kg"] },
  "मूँग दाल": { top: ["Moong Dal (Yellow) 1 kg"] },
  "अरहर दाल": { top: ["Toor Dal (Arhar / Tur Dal) 1 kg"] },
  "चाय": { top: [/Tea/], all: /Tea/ },
  "गुड़": { top: [/^Jaggery/] },
  "सन्तरा": { top: ["Orange (Santra) Nagpur"] },
  // Marathi in Devanagari
  "बटाटा": { top: ["Potato (Aloo)"], all: /Potato/ },
  "कांदा": { top: ["Onion (Pyaz / Kanda)"] },
  "कान्दा": { top: ["Onion (Pyaz / Kanda)"] },
  "टोमॅटो": { top: ["Tomato (Tamatar)"] },
  "ताक": { top: ["Amul Masti Buttermilk (Chaas / Taak) 500 ml"] },
  "लोणी": { top: ["Amul Butter (Makhan) 100 g"] },
  "तूप": { top: [/Ghee/], all: /Ghee/ },
  "तांदूळ": { top: [/(Indrayani|Kolam|Ambemohar) Rice/], all: /Rice/ },
  "साखर": { top: [/^Sugar \(Cheeni/] },
  "मीठ": { top: ["Tata Salt (Namak) 1 kg"] },
  "कोथिंबीर": { top: ["Coriander (Kothimbir)"] },
  "लसूण": { top: ["Garlic (Lehsun / Lasun)"] },
  "आले": { top: ["Ginger (Adrak / Ale)"] },
  "लिंबू": { top: ["Lemon (Nimbu / Limbu)"] },
  "केळी": { top: [/^Banana \(Kela\)/] },
  "मिरची": { top: ["Green Chilli (Hirvi Mirchi)"] },
  "वांगी": { top: ["Brinjal (Baingan / Vangi)"] },
  "भेंडी": { top: ["Lady Finger (Bhindi)"] },
  "गूळ": { top: [/^Jaggery/] },
  "शेंगदाणे": { top: ["Peanuts (Moongphali / Shengdana) 500 g"] },
  "पोहे": { top: [/^Poha (Thick|Thin)/] },
  "हळद": { top: ["Everest Turmeric Powder (Haldi) 200 g"] },
  "चहा": { top: [/Tea/], all: /Tea/ },
  "अंडी": { top: [/Eggs \(Anda\)/], all: /Eggs/ },
  "कोळंबी": { top: ["Prawns Medium (Kolambi) Cleaned 500 g"] },
  "झाडू": { top: ["Grass Broom (Phool Jhadu)"] },
  "ज्वारीचे पीठ": { top: ["Jowar Flour (Jwari Peeth) 1 kg"] },
  // The Latin spellings people type for Hindi and Marathi words
  aaloo: { top: ["Potato (Aloo)"], all: /Potato/ },
  alu: { top: ["Potato (Aloo)"], all: /Potato/ },
  aalu: { top: ["Potato (Aloo)"], all: /Potato/ },
  bataata: { top: ["Potato (Aloo)"], all: /Potato/ },
  kaanda: { top: ["Onion (Pyaz / Kanda)"] },
  pyaaj: { top: ["Onion (Pyaz / Kanda)"] },
  tamaatar: { top: ["Tomato (Tamatar)"] },
  dudh: { top: [/Amul Taaza Toned Milk \(Doodh\)/], all: /\bMilk\b/ },
  dahee: { top: [/Curd \(Dahi\)/] },
  lasoon: { top: ["Garlic (Lehsun / Lasun)"] },
  nimboo: { top: ["Lemon (Nimbu / Limbu)"] },
  kothimbeer: { top: ["Coriander (Kothimbir)"] },
  chaawal: { top: ["Kolam Rice (Chawal) 1 kg"], all: /Rice/ },
  bhendi: { top: ["Lady Finger (Bhindi)"] },
};

/** What must rank above what: the obvious thing before the product that merely mentions it. */
const ABOVE: [string, string, string][] = [
  ["onion", "Onion (Pyaz / Kanda)", "Kanda Lasun Masala 200 g"],
  ["kanda", "Onion (Pyaz / Kanda)", "Kanda Lasun Masala 200 g"],
  ["potato", "Potato (Aloo)", "Upvas Batata Chivda 250 g"],
  ["batata", "Potato (Aloo)", "Upvas Batata Chivda 250 g"],
  ["amul butter", "Amul Butter (Makhan) 100 g", "Amul Masti Buttermilk (Chaas / Taak) 500 ml"],
  ["atta", "Aashirvaad Shudh Chakki Atta 5 kg", "Bakery Atta Biscuits 250 g"],
  ["milk", "Gokul Cow Milk 500 ml", "Milk Rusk Toast 300 g"],
  ["paneer", "Fresh Paneer 200 g", "MTR Ready to Eat Paneer Butter Masala 300 g"],
  ["आलू", "Potato (Aloo)", "Haldiram's Aloo Bhujia 200 g"],
  ["बटाटा", "Potato (Aloo)", "Upvas Batata Chivda 250 g"],
  ["कांदा", "Onion (Pyaz / Kanda)", "Kanda Lasun Masala 200 g"],
  ["दूध", "Gokul Cow Milk 500 ml", "Milk Rusk Toast 300 g"],
];

test("the relevance set has at least 80 queries, 40 of them in Devanagari", () => {
  assert.ok(Object.keys(CASES).length >= 80, `${Object.keys(CASES).length} queries`);
  const devanagari = Object.keys(CASES).filter((q) => /[\u0900-\u097F]/.test(q)).length;
  assert.ok(devanagari >= 40, `${devanagari} queries in Devanagari`);
});

for (const [query, c] of Object.entries(CASES)) {
  test(`"${query}" finds ${c.top.map(String).join(", ")} in the top 3`, async () => {
    const names = await top3(query);
    for (const e of c.top) assert.ok(names.some((n) => matches(n, e)), `"${query}" top 3: ${JSON.stringify(names)}, wanted ${e}`);
    if (c.all) for (const n of names) assert.match(n, c.all, `"${query}" top 3: ${JSON.stringify(names)}`);
  });
}

for (const [query, first, then] of ABOVE) {
  test(`"${query}" ranks ${first} above ${then}`, async () => {
    const { data, error } = await client().rpc("search_products", { query, ...SHOPPER, max_results: 100 });
    assert.equal(error, null);
    const at = (name: string) => data!.findIndex((r) => r.product_name === name);
    assert.ok(at(first) >= 0, `"${query}" finds ${first}`);
    assert.ok(at(then) < 0 || at(first) < at(then), `"${query}": ${first} at ${at(first)}, ${then} at ${at(then)}`);
  });
}

test("the same product ranks nearer shop first", async () => {
  const { data, error } = await client().rpc("search_products", { query: "potato", ...SHOPPER });
  assert.equal(error, null);
  const potatoes = data!.filter((r) => r.product_name === "Potato (Aloo)");
  assert.deepEqual(potatoes.map((r) => r.store_id), storeIds);
  assert.ok(potatoes[0]!.rank! > potatoes[1]!.rank! && potatoes[1]!.rank! > potatoes[2]!.rank!);
});
