-- Discovery: open stores that deliver to the customer, nearest first, and product search with
-- typo tolerance and Indian grocery synonyms, ranked by relevance and distance.

-- pg_trgm: order_lifecycle matches product names by similarity; fuzzystrmatch: search's
-- misspellings (levenshtein).
create extension if not exists pg_trgm with schema extensions;
create extension if not exists fuzzystrmatch with schema extensions;

-- Product search compares words, not strings. A word is stemmed as English by the text search
-- parser (tomatoes = tomato, biscuits = biscuit; "and", "of", "with" are no words), then folded
-- (lower case, Hinglish spelling variants: ee → i, oo → u, doubled letters once, so "Aata" and
-- "atta", "aloo" and "alu", "paneer" and "panir" compare equal; Devanagari spelling variants,
-- so "प्याज़" and "प्याज", "गेहूँ" and "गेहूं", "हिन्दी" and "हिंदी" compare equal). Products keep their
-- words, those of the English name and of the Devanagari local name, in generated columns; a
-- query's words go through the same steps.

-- The folding. It runs for every product written, so it is built for speed: plain replace()
-- and translate() calls, because a regex back-reference such as '([a-z])\1' is five times
-- slower, and no SET clause, so Postgres can inline it (it calls only built-ins, which resolve
-- from pg_catalog first).
-- Devanagari is written several ways for one sound, on phones and in shops alike; each is folded
-- to one: the nukta left out (ज़ = ज, the precomposed letters too), chandrabindu as anusvara
-- (गेहूँ = गेहूं), a nasal consonant before another as anusvara (हिन्दी = हिंदी), long i and u as
-- short (नींबू = निंबु, as ee = i), and the invisible joiners left out.
create function private.search_normalize(input text) returns text
language sql immutable parallel safe
as $$
  select
    replace(replace(replace(replace(replace(
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
      replace(replace(translate(lower(coalesce(input, '')),
        U&'\0901\0929\0931\0934\0958\0959\095A\095B\095C\095D\095E\095F\0940\0942\0908\090A\093C\200C\200D',
        U&'\0902\0928\0930\0933\0915\0916\0917\091C\0921\0922\092B\092F\093F\0941\0907\0909'),
      'ee', 'i'), 'oo', 'u'),
    'aa', 'a'), 'bb', 'b'), 'cc', 'c'), 'dd', 'd'), 'ff', 'f'), 'gg', 'g'), 'hh', 'h'), 'ii', 'i'),
    'jj', 'j'), 'kk', 'k'), 'll', 'l'), 'mm', 'm'), 'nn', 'n'), 'pp', 'p'), 'qq', 'q'), 'rr', 'r'),
    'ss', 's'), 'tt', 't'), 'uu', 'u'), 'vv', 'v'), 'ww', 'w'), 'xx', 'x'), 'yy', 'y'), 'zz', 'z'),
    U&'\0919\094D', U&'\0902'), U&'\091E\094D', U&'\0902'), U&'\0923\094D', U&'\0902'), U&'\0928\094D', U&'\0902'), U&'\092E\094D', U&'\0902')
$$;
comment on function private.search_normalize(text) is 'Folds case, common Hinglish spelling variants (ee/i, oo/u, doubled letters) and Devanagari ones (nukta, chandrabindu, nasal consonants, long i/u) for product search.';
revoke execute on function private.search_normalize(text) from public;
grant execute on function private.search_normalize(text) to anon, authenticated, service_role;

-- The words of a text, stemmed then folded (to_tsvector: the parser and the English stemmer in
-- C, about 15 µs for a product; folding after stemming, so that a folded word never turns into
-- a stop word: "aam" is a mango, "am" is not a word). A hyphenated word is kept whole as well
-- as in parts ("parle-g", "parl", "g").
create function private.search_lexemes(input text) returns text[]
language sql immutable parallel safe
as $$
  select pg_catalog.string_to_array(private.search_normalize(pg_catalog.array_to_string(
    pg_catalog.tsvector_to_array(pg_catalog.to_tsvector('pg_catalog.english'::pg_catalog.regconfig, input)), ' ')), ' ')
$$;
comment on function private.search_lexemes(text) is 'The words of a text as product search compares them: stemmed, folded (search_normalize), stop words left out.';
revoke execute on function private.search_lexemes(text) from public;
grant execute on function private.search_lexemes(text) to anon, authenticated, service_role;

-- One word of a query as search compares it (null for a stop word): the same steps as
-- search_lexemes, for one word.
create function private.search_key(word text) returns text
language sql immutable parallel safe
as $$
  select nullif(private.search_normalize((pg_catalog.ts_lexize('pg_catalog.english_stem'::pg_catalog.regdictionary, lower(word)))[1]), '')
$$;
comment on function private.search_key(text) is 'One word as product search compares it: stemmed and folded; null for a stop word.';
revoke execute on function private.search_key(text) from public;
grant execute on function private.search_key(text) to anon, authenticated, service_role;

-- The words that say what a product is, in order: its name before any bracket ("Onion" of
-- "Onion (Pyaz / Kanda) 2 kg"), without pack sizes. The last is the product's type: "Amul
-- Butter" is butter, "Kanda Lasun Masala" is masala, "Upvas Batata Chivda" is chivda.
create function private.search_core_words(name text) returns text[]
language sql immutable parallel safe
as $$
  select coalesce(pg_catalog.string_to_array(private.search_normalize(string_agg(l.lexeme, ' ' order by l.positions[1])), ' '), '{}')
  from pg_catalog.unnest(pg_catalog.to_tsvector('pg_catalog.english'::pg_catalog.regconfig,
         coalesce(nullif(btrim(split_part(name, '(', 1)), ''), name))) as l
  where l.lexeme !~ '[0-9]'
    and l.lexeme <> all (array['g', 'kg', 'mg', 'ml', 'l', 'm', 'pc', 'pcs', 'gsm', 'x'])
$$;
comment on function private.search_core_words(text) is 'The words of a product name before any bracket, without pack sizes, in order: the last one is what the product is.';
revoke execute on function private.search_core_words(text) from public;
grant execute on function private.search_core_words(text) to anon, authenticated, service_role;

alter table public.products
  add column search_name text[] generated always as (private.search_lexemes(name || ' ' || coalesce(local_name, ''))) stored,
  add column search_core text[] generated always as (private.search_core_words(name)) stored,
  add column search_words text[] generated always as (
    private.search_lexemes(name || ' ' || coalesce(local_name, '') || ' ' || category || ' ' || description)
  ) stored;
comment on column public.products.search_name is 'The words of the name and the local name as search compares them (private.search_lexemes); maintained by Postgres.';
comment on column public.products.search_core is 'The words saying what the product is, the last being its type (private.search_core_words); maintained by Postgres.';
comment on column public.products.search_words is 'The words of name, local name, category and description as search compares them; maintained by Postgres.';

-- Every word products use, for what a query may have meant: a query word also finds the
-- longer words it begins ("tom" finds tomato) and, when no product uses it, the words one
-- letter away (two from six letters: "mlk" finds milk, "panner" paneer). Words of three
-- letters or more, without digits. A word no product uses any more stays: it finds nothing.
create table private.search_vocabulary (
  -- Collation "C": a prefix is a range of the index.
  word text collate "C" primary key
);
comment on table private.search_vocabulary is 'Every word of three letters or more (no digits) that products use, for prefix and misspelling matches in search; kept by triggers on products.';

-- Not exposed; RLS with no policies keeps it closed to every API role all the same.
alter table private.search_vocabulary enable row level security;

create function private.add_search_words(words text[]) returns void
language sql security definer
set search_path = ''
as $$
  insert into private.search_vocabulary (word)
  select distinct w.word from unnest(words) as w (word)
  where length(w.word) >= 3 and w.word !~ '[0-9]'
  on conflict do nothing
$$;
comment on function private.add_search_words(text[]) is 'Adds the vocabulary words (three letters or more, no digits) among these to private.search_vocabulary; a bulk load with triggers off calls it with the loaded products'' search_words.';
revoke execute on function private.add_search_words(text[]) from public;

create function private.learn_search_words() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  perform private.add_search_words(array(select w.word from new_products p cross join unnest(p.search_words) as w (word)));
  return null;
end
$$;
comment on function private.learn_search_words() is 'Adds the words of inserted or updated products to private.search_vocabulary (a statement trigger).';
revoke execute on function private.learn_search_words() from public;

create trigger products_learn_search_words_after_insert
  after insert on public.products
  referencing new table as new_products
  for each statement execute function private.learn_search_words();
create trigger products_learn_search_words_after_update
  after update on public.products
  referencing new table as new_products
  for each statement execute function private.learn_search_words();

create table public.search_synonyms (
  -- Latin letters, or Devanagari ones (U+0900 to U+097F, without the dandas).
  term text primary key constraint search_synonyms_term_format check (term ~ '^([a-z]+|[\u0900-\u0963\u0966-\u097F]+)$'),
  means text not null constraint search_synonyms_means_format check (means ~ '^[a-z]+$'),
  term_key text generated always as (private.search_key(term)) stored,
  means_key text generated always as (private.search_key(means)) stored,
  constraint search_synonyms_not_itself check (term <> means)
);
comment on table public.search_synonyms is 'Words that mean the same in product search, as the catalogue writes them in English, Hindi and Marathi, in Latin letters or Devanagari (aloo = batata = आलू = बटाटा = potato, kanda = pyaz = कांदा = प्याज = onion). Each term points at one canonical word; every word of a group finds the others, a little below the word itself. Edited by admins in Studio.';
comment on column public.search_synonyms.means is 'The canonical word of the group, itself not a term.';
comment on column public.search_synonyms.term_key is 'The term as search compares it (private.search_key); maintained by Postgres.';
comment on column public.search_synonyms.means_key is 'The canonical word as search compares it (private.search_key); maintained by Postgres.';

revoke all on table public.search_synonyms from anon, authenticated;
grant select on table public.search_synonyms to anon, authenticated;
grant all on table public.search_synonyms to service_role;

create index search_synonyms_term_key_idx on public.search_synonyms (term_key);
create index search_synonyms_means_key_idx on public.search_synonyms (means_key);

alter table public.search_synonyms enable row level security;

create policy "Anyone reads the search synonyms" on public.search_synonyms
  for select to anon, authenticated
  using (true);

-- Names the catalogue writes next to each other ("Potato (Aloo)", "Onion (Pyaz / Kanda)") need
-- no synonym; these are the words a shopper types that a product's name may not carry.
insert into public.search_synonyms (term, means) values
  ('aloo', 'potato'), ('batata', 'potato'),
  ('pyaz', 'onion'), ('pyaj', 'onion'), ('kanda', 'onion'),
  ('tamatar', 'tomato'), ('tamater', 'tomato'),
  ('dahi', 'curd'), ('yogurt', 'curd'), ('yoghurt', 'curd'),
  ('doodh', 'milk'),
  ('chaas', 'buttermilk'), ('chaach', 'buttermilk'), ('taak', 'buttermilk'),
  ('makhan', 'butter'), ('loni', 'butter'),
  ('tup', 'ghee'),
  ('anda', 'egg'), ('ande', 'egg'),
  ('chawal', 'rice'), ('tandul', 'rice'), ('bhaat', 'rice'),
  ('gehu', 'wheat'), ('gahu', 'wheat'), ('gehun', 'wheat'),
  ('jwari', 'jowar'), ('bajri', 'bajra'), ('nachni', 'ragi'),
  ('rava', 'semolina'), ('sooji', 'semolina'), ('suji', 'semolina'),
  ('pohe', 'poha'),
  ('cheeni', 'sugar'), ('sakhar', 'sugar'), ('shakkar', 'sugar'),
  ('gud', 'jaggery'), ('gul', 'jaggery'),
  ('namak', 'salt'), ('meeth', 'salt'),
  ('tel', 'oil'),
  ('shengdana', 'peanut'), ('moongphali', 'peanut'), ('mungfali', 'peanut'), ('groundnut', 'peanut'),
  ('adrak', 'ginger'), ('ale', 'ginger'),
  ('lehsun', 'garlic'), ('lahsun', 'garlic'), ('lasun', 'garlic'),
  ('mirchi', 'chilli'), ('mirch', 'chilli'), ('chili', 'chilli'),
  ('dhaniya', 'coriander'), ('dhania', 'coriander'), ('kothimbir', 'coriander'),
  ('pudina', 'mint'), ('palak', 'spinach'), ('methi', 'fenugreek'),
  ('gobi', 'cauliflower'), ('gobhi', 'cauliflower'), ('kobi', 'cabbage'),
  ('bhindi', 'okra'), ('ladyfinger', 'okra'),
  ('baingan', 'brinjal'), ('vangi', 'brinjal'), ('eggplant', 'brinjal'),
  ('gajar', 'carrot'), ('kakdi', 'cucumber'), ('kheera', 'cucumber'), ('mooli', 'radish'), ('mula', 'radish'),
  ('lauki', 'dudhi'), ('matar', 'peas'), ('vatana', 'peas'),
  ('nimbu', 'lemon'), ('limbu', 'lemon'),
  ('kela', 'banana'), ('seb', 'apple'), ('aam', 'mango'), ('amba', 'mango'), ('santra', 'orange'),
  ('mosambi', 'sweetlime'), ('tarbooj', 'watermelon'), ('kalingad', 'watermelon'),
  ('angoor', 'grapes'), ('draksha', 'grapes'), ('anar', 'pomegranate'), ('dalimb', 'pomegranate'),
  ('papita', 'papaya'), ('chikoo', 'sapota'), ('peru', 'guava'), ('ananas', 'pineapple'),
  ('nariyal', 'coconut'), ('naral', 'coconut'), ('khobra', 'coconut'),
  ('haldi', 'turmeric'), ('jeera', 'cumin'), ('rai', 'mustard'), ('mohri', 'mustard'), ('sarson', 'mustard'),
  ('hing', 'asafoetida'), ('elaichi', 'cardamom'), ('velchi', 'cardamom'), ('lavang', 'cloves'),
  ('imli', 'tamarind'), ('chinch', 'tamarind'), ('ajwain', 'carom'), ('ova', 'carom'),
  ('kaju', 'cashew'), ('badam', 'almond'), ('kishmish', 'raisins'), ('manuka', 'raisins'),
  ('akhrot', 'walnut'), ('pista', 'pistachio'), ('anjeer', 'figs'), ('khajur', 'dates'), ('makhana', 'foxnuts'),
  ('kolambi', 'prawns'), ('jhinga', 'prawns'), ('paplet', 'pomfret'), ('bangda', 'mackerel'),
  ('kaleji', 'liver'), ('keema', 'mince'), ('murgi', 'chicken'), ('murgh', 'chicken'),
  ('sabun', 'soap'), ('chai', 'tea'), ('biskit', 'biscuit'), ('jhadu', 'broom'), ('kapur', 'camphor'),
  ('agarbatti', 'incense'), ('pav', 'bread'), ('wafers', 'chips');

-- The same words in Devanagari, as Hindi and Marathi speakers write them. A local name carries
-- its words itself ("आलू / बटाटा" finds the potato); these put a word typed in Devanagari in its
-- group, so that it finds the English names too and ranks what the product is ("आलू" is a
-- potato before it is Aloo Bhujia). Spelling variants need no row: they fold (search_normalize).
insert into public.search_synonyms (term, means) values
  ('आलू', 'potato'), ('बटाटा', 'potato'),
  ('प्याज', 'onion'), ('कांदा', 'onion'),
  ('टमाटर', 'tomato'), ('टोमॅटो', 'tomato'),
  ('दूध', 'milk'), ('दही', 'curd'), ('छाछ', 'buttermilk'), ('ताक', 'buttermilk'),
  ('मक्खन', 'butter'), ('लोणी', 'butter'), ('घी', 'ghee'), ('तूप', 'ghee'), ('पनीर', 'paneer'),
  ('अंडा', 'egg'), ('अंडे', 'egg'), ('अंडी', 'egg'),
  ('चावल', 'rice'), ('तांदूळ', 'rice'), ('भात', 'rice'),
  ('गेहूं', 'wheat'), ('गहू', 'wheat'), ('आटा', 'atta'), ('पीठ', 'flour'),
  ('ज्वार', 'jowar'), ('ज्वारी', 'jowar'), ('बाजरा', 'bajra'), ('बाजरी', 'bajra'), ('रागी', 'ragi'), ('नाचणी', 'ragi'),
  ('सूजी', 'semolina'), ('रवा', 'semolina'), ('पोहा', 'poha'), ('पोहे', 'poha'),
  ('दाल', 'dal'), ('डाळ', 'dal'), ('मूंग', 'moong'), ('मूग', 'moong'), ('तूर', 'toor'), ('अरहर', 'toor'),
  ('मसूर', 'masoor'), ('उड़द', 'urad'), ('उडीद', 'urad'), ('चना', 'chana'), ('हरभरा', 'chana'),
  ('चीनी', 'sugar'), ('साखर', 'sugar'), ('गुड़', 'jaggery'), ('गूळ', 'jaggery'),
  ('नमक', 'salt'), ('मीठ', 'salt'), ('तेल', 'oil'),
  ('मूंगफली', 'peanut'), ('शेंगदाणा', 'peanut'), ('शेंगदाणे', 'peanut'),
  ('अदरक', 'ginger'), ('आले', 'ginger'), ('लहसुन', 'garlic'), ('लसूण', 'garlic'),
  ('मिर्च', 'chilli'), ('मिर्ची', 'chilli'), ('मिरची', 'chilli'),
  ('धनिया', 'coriander'), ('कोथिंबीर', 'coriander'), ('पुदीना', 'mint'), ('पालक', 'spinach'), ('मेथी', 'fenugreek'),
  ('गोभी', 'cauliflower'), ('फ्लॉवर', 'cauliflower'), ('कोबी', 'cabbage'),
  ('भिंडी', 'okra'), ('भेंडी', 'okra'), ('बैंगन', 'brinjal'), ('वांगी', 'brinjal'), ('वांगे', 'brinjal'),
  ('गाजर', 'carrot'), ('खीरा', 'cucumber'), ('काकडी', 'cucumber'), ('मूली', 'radish'), ('मुळा', 'radish'),
  ('लौकी', 'dudhi'), ('दुधी', 'dudhi'), ('मटर', 'peas'), ('वाटाणा', 'peas'),
  ('नींबू', 'lemon'), ('लिंबू', 'lemon'),
  ('केला', 'banana'), ('केळी', 'banana'), ('सेब', 'apple'), ('सफरचंद', 'apple'), ('आम', 'mango'), ('आंबा', 'mango'),
  ('संतरा', 'orange'), ('संत्री', 'orange'), ('मोसंबी', 'sweetlime'), ('मौसंबी', 'sweetlime'),
  ('तरबूज', 'watermelon'), ('कलिंगड', 'watermelon'), ('अंगूर', 'grapes'), ('द्राक्षे', 'grapes'),
  ('अनार', 'pomegranate'), ('डाळिंब', 'pomegranate'), ('पपीता', 'papaya'), ('पपई', 'papaya'),
  ('चीकू', 'sapota'), ('अमरूद', 'guava'), ('पेरू', 'guava'), ('अनानास', 'pineapple'), ('अननस', 'pineapple'),
  ('नारियल', 'coconut'), ('नारळ', 'coconut'),
  ('हल्दी', 'turmeric'), ('हळद', 'turmeric'), ('जीरा', 'cumin'), ('जिरे', 'cumin'), ('राई', 'mustard'), ('मोहरी', 'mustard'),
  ('हींग', 'asafoetida'), ('इलायची', 'cardamom'), ('वेलची', 'cardamom'), ('लौंग', 'cloves'), ('लवंग', 'cloves'),
  ('इमली', 'tamarind'), ('चिंच', 'tamarind'), ('अजवाइन', 'carom'), ('ओवा', 'carom'),
  ('काजू', 'cashew'), ('बादाम', 'almond'), ('बदाम', 'almond'), ('किशमिश', 'raisins'), ('मनुका', 'raisins'),
  ('अखरोट', 'walnut'), ('अक्रोड', 'walnut'), ('पिस्ता', 'pistachio'), ('अंजीर', 'figs'), ('खजूर', 'dates'), ('मखाना', 'foxnuts'),
  ('झींगा', 'prawns'), ('कोळंबी', 'prawns'), ('मुर्गा', 'chicken'), ('कोंबडी', 'chicken'), ('चिकन', 'chicken'), ('मटन', 'mutton'),
  ('साबुन', 'soap'), ('साबण', 'soap'), ('चाय', 'tea'), ('चहा', 'tea'), ('बिस्किट', 'biscuit'),
  ('झाड़ू', 'broom'), ('कपूर', 'camphor'), ('कापूर', 'camphor'), ('अगरबत्ती', 'incense'), ('पाव', 'bread'), ('ब्रेड', 'bread'),
  ('शहद', 'honey'), ('मध', 'honey');

-- What each word of a query may mean, and how surely: the word itself (1); a word of its
-- synonym group (0.95); and, when no product or synonym uses the word (a word being typed or
-- misspelt), from three letters, a longer word it begins (0.85) or a word of the vocabulary
-- one letter away (0.7), or two from six letters (0.6), with the same first letter; and the
-- synonyms of those (0.95 times theirs), Devanagari ones only for a word typed in Devanagari.
-- "butter" is butter, not buttermilk; "butt" is both.
-- plpgsql rather than SQL, and a generic plan, so that it is planned once per connection.
create function private.search_terms(query text) returns table (word integer, term text, weight real)
language plpgsql stable
rows 12
set search_path = ''
set jit = off
set plan_cache_mode = force_generic_plan
as $$
begin
  return query
  with words as materialized (
    select k.word, k.key,
           -- A word products or synonyms use is taken as spelt. Scalar subqueries, each one
           -- index lookup: an EXISTS here would be planned as a hash of the whole vocabulary,
           -- built on every call.
           coalesce((select true from private.search_vocabulary v where v.word = k.key), false)
             or coalesce((select true from public.search_synonyms y where y.term_key = k.key limit 1), false)
             or coalesce((select true from public.search_synonyms y where y.means_key = k.key limit 1), false) as known
    from (
      select min(t.n)::integer as word, t.key
      from (
        select s.n, private.search_key(btrim(replace(s.token, '''', ''), '-')) as key
        -- Letters and digits, Devanagari's with its vowel signs (the dandas end a word), - and '.
        from regexp_split_to_table(query, '[^[:alnum:]\u0900-\u0963\u0966-\u097F\u200C\u200D''-]+') with ordinality as s (token, n)
      ) t
      where t.key is not null
      group by t.key
    ) k
  ),
  spellings as (
    select w.word, w.key as term, 1.0::real as weight from words w
    union all
    -- Longer words that begin with it: a range of the vocabulary's index (collation "C"; U+FFFF
    -- sorts after every letter, Latin or Devanagari).
    select w.word, v.word::text, 0.85::real
    from words w
    join private.search_vocabulary v on v.word > w.key and v.word < w.key || U&'\FFFF'
    where length(w.key) >= 3 and not w.known
    union all
    select w.word, v.word::text, case d.distance when 1 then 0.7::real else 0.6::real end
    from words w
    join private.search_vocabulary v on v.word >= left(w.key, 1) and v.word < left(w.key, 1) || U&'\FFFF'
      and abs(length(v.word) - length(w.key)) <= case when length(w.key) >= 6 then 2 else 1 end
    -- Only for words of about the query word's length (levenshtein refuses words over 255
    -- letters, and a merchant may write one).
    cross join lateral (
      select case when abs(length(v.word) - length(w.key)) <= 2 then extensions.levenshtein_less_equal(w.key, v.word::text, 2) end as distance
    ) d
    where length(w.key) >= 3 and not w.known
      and d.distance between 1 and case when length(w.key) >= 6 then 2 else 1 end
  ),
  grouped as (
    select s.word, s.term, s.weight, coalesce(
      (select y.means_key from public.search_synonyms y where y.term_key = s.term limit 1),
      (select y.means_key from public.search_synonyms y where y.means_key = s.term limit 1)
    ) as grp
    from spellings s
  ),
  expanded as (
    select g.word, g.term, g.weight from grouped g
    union all
    select g.word, y.key, g.weight * 0.95::real
    from grouped g
    cross join lateral (
      select g.grp union select s.term_key from public.search_synonyms s where s.means_key = g.grp
    ) as y (key)
    where g.grp is not null and y.key <> g.term
      -- A word typed in Latin letters keeps to the Latin words of its group: the names carry
      -- them, and every extra term costs each product read a comparison.
      and (g.term ~ '[\u0900-\u097F]' or y.key !~ '[\u0900-\u097F]')
  )
  select e.word, e.term, max(e.weight) from expanded e group by e.word, e.term;
end
$$;
comment on function private.search_terms(text) is 'What each word of a search query may mean (the word, its synonyms, words it begins, near spellings), with a weight from 0 to 1.';
revoke execute on function private.search_terms(text) from public;

-- Bad input is the caller's mistake: a 400 with a message that names the argument.
create function private.check_point(lat double precision, lng double precision) returns void
language plpgsql immutable
set search_path = ''
as $$
begin
  if lat is null or lat not between -90 and 90 then
    raise exception 'lat must be between -90 and 90, got %', coalesce(lat::text, 'null') using errcode = '22023';
  end if;
  if lng is null or lng not between -180 and 180 then
    raise exception 'lng must be between -180 and 180, got %', coalesce(lng::text, 'null') using errcode = '22023';
  end if;
end
$$;
comment on function private.check_point(double precision, double precision) is 'Raises a clear 22023 (HTTP 400) for a latitude or longitude out of range.';
revoke execute on function private.check_point(double precision, double precision) from public;
grant execute on function private.check_point(double precision, double precision) to anon, authenticated, service_role;

create function private.check_discovery_input(lat double precision, lng double precision, radius_m integer, max_results integer)
returns void
language plpgsql immutable
set search_path = ''
as $$
begin
  perform private.check_point(lat, lng);
  if radius_m is null or radius_m not between 0 and 50000 then
    raise exception 'radius_m must be between 0 and 50000 metres, got %', coalesce(radius_m::text, 'null') using errcode = '22023';
  end if;
  if max_results is null or max_results not between 1 and 100 then
    raise exception 'max_results must be between 1 and 100, got %', coalesce(max_results::text, 'null') using errcode = '22023';
  end if;
end
$$;
comment on function private.check_discovery_input(double precision, double precision, integer, integer) is 'Raises a clear 22023 (HTTP 400) for coordinates, radius or result counts out of range.';
revoke execute on function private.check_discovery_input(double precision, double precision, integer, integer) from public;
grant execute on function private.check_discovery_input(double precision, double precision, integer, integer) to anon, authenticated, service_role;

-- Minutes from order to door: the store's preparation time plus the ride, at 18 km/h (a
-- two-wheeler in city traffic) over roads about 1.3 times the straight-line distance. No SET
-- clause, so that it inlines (it calls only built-ins): it runs for every store found.
create function private.eta_minutes(preparation_minutes integer, distance_m double precision) returns integer
language sql immutable parallel safe
as $$
  select preparation_minutes + ceil(distance_m * 1.3 / 300.0)::integer
$$;
comment on function private.eta_minutes(integer, double precision) is 'Delivery ETA: preparation plus the ride at 18 km/h over roads 1.3 times the straight-line distance.';
revoke execute on function private.eta_minutes(integer, double precision) from public;
grant execute on function private.eta_minutes(integer, double precision) to anon, authenticated, service_role;

-- A row of nearby_stores. A named type rather than `returns table`, whose columns could not
-- share the name `category` with the argument.
create type public.nearby_store as (
  id uuid, name text, category public.store_category, distance_m double precision,
  eta_minutes integer, is_open boolean, rating numeric, rating_count integer
);
comment on type public.nearby_store is 'A store found by nearby_stores: distance in metres, ETA in minutes, open now or not, its rating (null until rated) and how many reviews it is made of.';

-- The discovery queries run as security definer, from private: PostGIS operators are not
-- leakproof, so under row-level security PostgreSQL applies the policies first and cannot use
-- the spatial index (every call would read every approved store); search also reads the
-- private vocabulary. These functions apply the rule the policies would (approved stores,
-- active products) themselves; suspended accounts find nothing, as the policies would have it.
-- JIT is off:
-- PostGIS's high function costs would make PostgreSQL compile every call, costing more than
-- the query.

create function private.caller_is_suspended() returns boolean
language sql stable security definer
set search_path = ''
as $$
  select (select auth.uid()) is not null and private.active_role() is null
$$;
comment on function private.caller_is_suspended() is 'A signed-in caller whose account is suspended (signed-out callers are not).';
revoke execute on function private.caller_is_suspended() from public;

-- The stores nearest first, with the tests of nearby_stores. Plain SQL, no SET clause, so that
-- it inlines into its callers (both security definer): one query, planned once.
-- - The index returns them nearest first (KNN, distances on the sphere, as distance_m), and
--   the query stops at max_results. No tie-breaker: a second sort key would stop PostgreSQL
--   from using the index order.
-- - The box around the circle bounds the scan: without it a scan that finds fewer than
--   max_results would go on to the far end of the city.
-- - Open now, in the index: the store opens in this minute of the day on some day. Searching
--   every store (open_now false) tests `@> 'empty'`, which every range passes. is_open then
--   decides (the day of the week, a temporary closure) for the few the index lets through.
create function private.nearest_stores(
  here extensions.geography, radius_m integer, max_results integer,
  category public.store_category, open_now boolean
) returns setof public.nearby_store
language sql stable
as $$
  select s.id, s.name, s.category, d.distance_m, private.eta_minutes(s.preparation_minutes, d.distance_m),
         public.is_open(s), s.rating, s.rating_count
  from public.stores s
  cross join lateral (select extensions.st_distance(s.location, here, false) as distance_m) d
  where s.status = 'approved'
    and s.location operator(extensions.&&) extensions._st_expand(here, radius_m)
    and private.opening_daily(s.opening_week) operator(pg_catalog.@>) case
          when open_now then pg_catalog.int4range(private.week_minute(now()) % 1440, private.week_minute(now()) % 1440, '[]')
          else 'empty'::pg_catalog.int4range
        end
    and d.distance_m <= least(radius_m, s.delivery_radius_m)
    and (nearest_stores.category is null or s.category = nearest_stores.category)
    and (not open_now or public.is_open(s))
  order by s.location operator(extensions.<->) here
  limit max_results
$$;
comment on function private.nearest_stores(extensions.geography, integer, integer, public.store_category, boolean) is
  'Approved stores within radius_m of a place whose delivery radius covers it, nearest first (the query of nearby_stores and search_products; inlined into them).';
revoke execute on function private.nearest_stores(extensions.geography, integer, integer, public.store_category, boolean) from public;

create function private.find_nearby_stores(
  lat double precision, lng double precision, radius_m integer, max_results integer,
  category public.store_category, open_now boolean
) returns setof public.nearby_store
language plpgsql stable security definer
rows 20
set search_path = ''
set jit = off
-- The same plan for every call: planning it each time would cost more than running it.
set plan_cache_mode = force_generic_plan
as $$
begin
  perform private.check_discovery_input(lat, lng, radius_m, max_results);
  if private.caller_is_suspended() then
    return;
  end if;
  return query
  select * from private.nearest_stores(
    extensions.st_setsrid(extensions.st_makepoint(lng, lat), 4326)::extensions.geography, radius_m, max_results, category, open_now);
end
$$;
comment on function private.find_nearby_stores(double precision, double precision, integer, integer, public.store_category, boolean) is
  'The query behind public.nearby_stores, as security definer so the GiST index serves it (see the comment above it in the discovery migration).';
revoke execute on function private.find_nearby_stores(double precision, double precision, integer, integer, public.store_category, boolean) from public;
grant execute on function private.find_nearby_stores(double precision, double precision, integer, integer, public.store_category, boolean) to anon, authenticated, service_role;

create function public.nearby_stores(
  lat double precision,
  lng double precision,
  radius_m integer default 3000,
  max_results integer default 20,
  category public.store_category default null,
  open_now boolean default true
) returns setof public.nearby_store
language sql stable
set search_path = ''
as $$
  select * from private.find_nearby_stores(lat, lng, radius_m, max_results, category, open_now)
$$;
comment on function public.nearby_stores(double precision, double precision, integer, integer, public.store_category, boolean) is
  'Approved stores within radius_m whose own delivery radius covers (lat, lng), nearest first, with distance, ETA and whether open now. open_now (default) keeps open ones only.';
revoke execute on function public.nearby_stores(double precision, double precision, integer, integer, public.store_category, boolean) from public;
grant execute on function public.nearby_stores(double precision, double precision, integer, integer, public.store_category, boolean) to anon, authenticated, service_role;

-- How many of the nearest open stores a search looks through: what a customer can choose
-- between for a quick delivery, and a bound on the work in a dense city.
create function private.search_store_limit() returns integer
language sql immutable parallel safe
as $$ select 50 $$;
comment on function private.search_store_limit() is 'Search looks through this many of the nearest open stores that deliver to the customer.';
revoke execute on function private.search_store_limit() from public;
grant execute on function private.search_store_limit() to anon, authenticated, service_role;

-- Ranking, from the words' weights (private.search_terms):
-- - relevance: each query word's best meaning in the product, averaged over the words; a
--   meaning found only in the category or description counts 0.4 of its weight in the name.
--   A product must have every word of the query somewhere.
-- - shape, from 0 to 1: whether the query names the product's type (the last of its core words:
--   "onion" is what Onion (Pyaz / Kanda) is, not what Kanda Lasun Masala is) counted twice, and
--   the share of its core words the query names; it moves the rank by up to 15 %.
-- - distance: a store at the edge of the radius loses up to 10 %.
-- So exact, prefix and synonym matches in the name come first, misspellings next and
-- description matches last, each tier ordered by how well the name fits and by distance.
create function private.find_products(
  query text, lat double precision, lng double precision, radius_m integer, max_results integer
) returns table (
  product_id uuid, product_name text, price_paise integer, in_stock boolean,
  store_id uuid, store_name text, distance_m double precision, rank real,
  store_rating numeric, store_rating_count integer, product_local_name text
)
language plpgsql stable security definer
set search_path = ''
set jit = off
-- Planning this query anew for each call (a custom plan) costs more than running it.
set plan_cache_mode = force_generic_plan
as $$
begin
  if query is null or char_length(btrim(query)) = 0 then
    raise exception 'query must not be empty' using errcode = '22023';
  end if;
  if char_length(query) > 100 then
    raise exception 'query must be at most 100 characters, got %', char_length(query) using errcode = '22023';
  end if;
  if query !~ '[[:alnum:]\u0900-\u0963\u0966-\u097F]' then
    raise exception 'query must contain a letter or digit' using errcode = '22023';
  end if;
  perform private.check_discovery_input(lat, lng, radius_m, max_results);
  if private.caller_is_suspended() then
    return;
  end if;
  return query
  with alternatives as materialized (select * from private.search_terms(query)),
  wanted as materialized (
    select array_agg(distinct a.term) as terms, count(distinct a.word) as words from alternatives a
  )
  -- One pass over the nearby stores' products (the index on store_id, store by store), each
  -- scored where it is read: a product has a few words, a query a few alternatives.
  select p.id, p.name, p.price_paise, true, sh.id, sh.name, sh.distance_m,
         (r.relevance
          * (0.85 + 0.15 * shape.value)
          * (1 - 0.1 * sh.distance_m / greatest(radius_m, 1)))::real,
         sh.rating, sh.rating_count, p.local_name
  from private.nearest_stores(extensions.st_setsrid(extensions.st_makepoint(lng, lat), 4326)::extensions.geography,
                              radius_m, private.search_store_limit(), null, true) sh
  cross join wanted
  join public.products p
    on p.store_id = sh.id and p.is_active and p.stock > 0
       and p.search_words operator(pg_catalog.&&) wanted.terms
  cross join lateral (
    -- Each query word's best meaning in the product: in the name, or elsewhere at 0.4.
    select avg(s.score) as relevance, count(*) as words
    from (
      select max(a.weight * case when a.term = any (p.search_name) then 1.0::real else 0.4::real end) as score
      from alternatives a
      where a.term = any (p.search_name) or a.term = any (p.search_words)
      group by a.word
    ) s
  ) r
  cross join lateral (
    select (2 * (p.search_core[cardinality(p.search_core)] = any (wanted.terms))::integer
            + (select count(*) from unnest(p.search_core) w where w = any (wanted.terms))::real
              / greatest(cardinality(p.search_core), 1)) / 3 as value
  ) shape
  where r.words = wanted.words
  order by 8 desc, sh.distance_m, p.id
  limit max_results;
end
$$;
comment on function private.find_products(text, double precision, double precision, integer, integer) is
  'The query behind public.search_products, as security definer so the spatial index serves it; ranks as the comment above it in the discovery migration says.';
revoke execute on function private.find_products(text, double precision, double precision, integer, integer) from public;
grant execute on function private.find_products(text, double precision, double precision, integer, integer) to anon, authenticated, service_role;

create function public.search_products(
  query text,
  lat double precision,
  lng double precision,
  radius_m integer default 3000,
  max_results integer default 20
) returns table (
  product_id uuid, product_name text, price_paise integer, in_stock boolean,
  store_id uuid, store_name text, distance_m double precision, rank real,
  store_rating numeric, store_rating_count integer, product_local_name text
)
language sql stable
set search_path = ''
as $$
  select * from private.find_products(query, lat, lng, radius_m, max_results)
$$;
comment on function public.search_products(text, double precision, double precision, integer, integer) is
  'In-stock products of the 50 nearest open stores that deliver to (lat, lng) within radius_m, matching every word of the query (exactly, as the start of a word, through a synonym or misspelt), best match first: name matches before misspellings before description matches, each by how well the name fits and by distance. The query may be in English, Hindi or Marathi, in Latin letters or Devanagari. Each row carries its store''s rating and review count and the product''s local name (Devanagari, null when it has none).';
revoke execute on function public.search_products(text, double precision, double precision, integer, integer) from public;
grant execute on function public.search_products(text, double precision, double precision, integer, integer) to anon, authenticated, service_role;
