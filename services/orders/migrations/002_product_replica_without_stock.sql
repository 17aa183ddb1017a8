-- The product replica no longer follows stock (the catalog's reservation is its only authority). A replica
-- made before keeps its table: the column goes, or inserts of new products would fail on it.
alter table if exists product_replica drop column if exists stock_on_hand;
alter table if exists product_replica__rebuild drop column if exists stock_on_hand;
