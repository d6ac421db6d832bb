//! The vectors' order (`schemas/order.schema.json`, `order.avsc`) as serde types.

use std::borrow::Cow;
use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

/// An order as its JSON has it; unknown fields are refused, so that a decoding that
/// drops one fails.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct Order {
    pub order_id: String,
    /// Often above 2^32.
    pub customer_id: i64,
    pub total: f64,
    pub quantity: i32,
    pub gift_wrap: bool,
    pub status: Status,
    pub shipping_address: Address,
    pub items: Vec<LineItem>,
    pub tags: BTreeMap<String, String>,
    pub note: Option<String>,
    /// Epoch milliseconds.
    pub created_at: i64,
    /// 16 bytes, as base64 text.
    pub checksum: String,
}

/// Order status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[allow(missing_docs)]
pub enum Status {
    Pending,
    Paid,
    Shipped,
    Delivered,
    Cancelled,
}

/// A postal address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct Address {
    pub street: String,
    pub city: String,
    pub postal_code: String,
    pub country: String,
}

/// One line of an order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct LineItem {
    pub sku: String,
    pub quantity: i32,
    pub unit_price: f64,
}

impl Order {
    /// One order with every kind of field set: a big customer id, a line item, a tag.
    #[must_use]
    pub fn sample() -> Self {
        Self {
            order_id: "ORD-1".into(),
            customer_id: 1 << 40,
            total: 12.5,
            quantity: 2,
            gift_wrap: false,
            status: Status::Paid,
            shipping_address: Address {
                street: "1 Main St".into(),
                city: "Seattle".into(),
                postal_code: "98101".into(),
                country: "US".into(),
            },
            items: vec![LineItem {
                sku: "SKU-1".into(),
                quantity: 2,
                unit_price: 6.25,
            }],
            tags: BTreeMap::from([("channel".into(), "web".into())]),
            note: None,
            created_at: 1_735_689_600_000,
            checksum: STANDARD.encode([7; 16]),
        }
    }
}

/// An order as Avro reads it: the checksum is a 16-byte `fixed`. Named like the schema's
/// record, as apache-avro's own serde deserializer requires (lambda-kafka does not).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename = "Order")]
#[allow(missing_docs)]
pub struct AvroOrder {
    pub order_id: String,
    pub customer_id: i64,
    pub total: f64,
    pub quantity: i32,
    pub gift_wrap: bool,
    pub status: Status,
    pub shipping_address: Address,
    pub items: Vec<LineItem>,
    pub tags: BTreeMap<String, String>,
    pub note: Option<String>,
    pub created_at: i64,
    pub checksum: serde_bytes::ByteBuf,
}

impl From<Order> for AvroOrder {
    fn from(order: Order) -> Self {
        Self {
            checksum: serde_bytes::ByteBuf::from(
                STANDARD.decode(&order.checksum).unwrap_or_default(),
            ),
            order_id: order.order_id,
            customer_id: order.customer_id,
            total: order.total,
            quantity: order.quantity,
            gift_wrap: order.gift_wrap,
            status: order.status,
            shipping_address: order.shipping_address,
            items: order.items,
            tags: order.tags,
            note: order.note,
            created_at: order.created_at,
        }
    }
}

/// An order that borrows its text from the payload where it can, for decoding with
/// `KafkaConsumer::lend`: a JSON string with an escape
/// is copied into its `Cow`, every other one is lent.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct OrderRef<'a> {
    #[serde(borrow)]
    pub order_id: Cow<'a, str>,
    pub customer_id: i64,
    pub total: f64,
    pub quantity: i32,
    pub gift_wrap: bool,
    pub status: Status,
    #[serde(borrow)]
    pub shipping_address: AddressRef<'a>,
    #[serde(borrow)]
    pub items: Vec<LineItemRef<'a>>,
    #[serde(borrow)]
    pub tags: BTreeMap<Cow<'a, str>, Cow<'a, str>>,
    #[serde(borrow)]
    pub note: Option<Cow<'a, str>>,
    pub created_at: i64,
    #[serde(borrow)]
    pub checksum: Cow<'a, str>,
}

/// A postal address, borrowed.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct AddressRef<'a> {
    #[serde(borrow)]
    pub street: Cow<'a, str>,
    #[serde(borrow)]
    pub city: Cow<'a, str>,
    #[serde(borrow)]
    pub postal_code: Cow<'a, str>,
    #[serde(borrow)]
    pub country: Cow<'a, str>,
}

/// One line of an order, borrowed.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct LineItemRef<'a> {
    #[serde(borrow)]
    pub sku: Cow<'a, str>,
    pub quantity: i32,
    pub unit_price: f64,
}

impl AddressRef<'_> {
    fn to_address(&self) -> Address {
        Address {
            street: self.street.to_string(),
            city: self.city.to_string(),
            postal_code: self.postal_code.to_string(),
            country: self.country.to_string(),
        }
    }
}

impl LineItemRef<'_> {
    fn to_line_item(&self) -> LineItem {
        LineItem {
            sku: self.sku.to_string(),
            quantity: self.quantity,
            unit_price: self.unit_price,
        }
    }
}

impl OrderRef<'_> {
    /// The same order, owned: what decoding into [`Order`] gives.
    #[must_use]
    pub fn to_order(&self) -> Order {
        Order {
            order_id: self.order_id.to_string(),
            customer_id: self.customer_id,
            total: self.total,
            quantity: self.quantity,
            gift_wrap: self.gift_wrap,
            status: self.status,
            shipping_address: self.shipping_address.to_address(),
            items: self.items.iter().map(LineItemRef::to_line_item).collect(),
            tags: self
                .tags
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            note: self.note.as_ref().map(ToString::to_string),
            created_at: self.created_at,
            checksum: self.checksum.to_string(),
        }
    }
}

/// An Avro order that borrows every string and the checksum from the payload (Avro text
/// has no escapes: nothing is copied).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[allow(missing_docs)]
pub struct AvroOrderRef<'a> {
    pub order_id: &'a str,
    pub customer_id: i64,
    pub total: f64,
    pub quantity: i32,
    pub gift_wrap: bool,
    pub status: Status,
    #[serde(borrow)]
    pub shipping_address: AvroAddressRef<'a>,
    #[serde(borrow)]
    pub items: Vec<AvroLineItemRef<'a>>,
    #[serde(borrow)]
    pub tags: BTreeMap<&'a str, &'a str>,
    pub note: Option<&'a str>,
    pub created_at: i64,
    pub checksum: &'a [u8],
}

/// A postal address, borrowed from Avro.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[allow(missing_docs)]
pub struct AvroAddressRef<'a> {
    pub street: &'a str,
    pub city: &'a str,
    pub postal_code: &'a str,
    pub country: &'a str,
}

/// One line of an order, borrowed from Avro.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[allow(missing_docs)]
pub struct AvroLineItemRef<'a> {
    pub sku: &'a str,
    pub quantity: i32,
    pub unit_price: f64,
}

impl AvroOrderRef<'_> {
    /// The same order, owned: what decoding into [`AvroOrder`] gives.
    #[must_use]
    pub fn to_order(&self) -> AvroOrder {
        AvroOrder {
            order_id: self.order_id.to_owned(),
            customer_id: self.customer_id,
            total: self.total,
            quantity: self.quantity,
            gift_wrap: self.gift_wrap,
            status: self.status,
            shipping_address: Address {
                street: self.shipping_address.street.to_owned(),
                city: self.shipping_address.city.to_owned(),
                postal_code: self.shipping_address.postal_code.to_owned(),
                country: self.shipping_address.country.to_owned(),
            },
            items: self
                .items
                .iter()
                .map(|item| LineItem {
                    sku: item.sku.to_owned(),
                    quantity: item.quantity,
                    unit_price: item.unit_price,
                })
                .collect(),
            tags: self
                .tags
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            note: self.note.map(str::to_owned),
            created_at: self.created_at,
            checksum: serde_bytes::ByteBuf::from(self.checksum),
        }
    }
}
