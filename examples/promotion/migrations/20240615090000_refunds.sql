-- Create "refunds" table
CREATE TABLE "refunds" (
  "id" bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
  "order_id" bigint NOT NULL,
  "amount_cents" integer NOT NULL,
  "reason" text NULL,
  PRIMARY KEY ("id"),
  CONSTRAINT "refunds_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders" ("id")
);
