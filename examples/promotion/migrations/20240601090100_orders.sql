-- Create "orders" table
CREATE TABLE "orders" (
  "id" bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
  "user_id" bigint NOT NULL,
  "total_cents" integer NOT NULL,
  "placed_at" timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY ("id"),
  CONSTRAINT "orders_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users" ("id"),
  CONSTRAINT "orders_total_cents_check" CHECK (total_cents >= 0)
);
-- Create index "orders_user_id" to table: "orders"
CREATE INDEX "orders_user_id" ON "orders" ("user_id");
