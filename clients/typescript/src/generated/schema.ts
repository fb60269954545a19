export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** Date (isoformat) */
  Date: { input: string; output: string; }
  /** Date with time (isoformat) */
  DateTime: { input: string; output: string; }
  /** Decimal (fixed-point) */
  Decimal: { input: string; output: string; }
  /** The `JSON` scalar type represents JSON values as specified by [ECMA-404](https://ecma-international.org/wp-content/uploads/ECMA-404_2nd_edition_december_2017.pdf). */
  JSON: { input: unknown; output: unknown; }
  /** Represents a file upload. */
  Upload: { input: Blob; output: Blob; }
};

export type Address = Node & {
  __typename?: 'Address';
  /** The Globally Unique ID of this object */
  id: Scalars['ID']['output'];
  isDefault: Scalars['Boolean']['output'];
  municipality: Scalars['String']['output'];
  neighbourhood: Scalars['String']['output'];
  /** In international form: +244 and 9 digits. */
  phone: Scalars['String']['output'];
  province: Province;
  recipient: Scalars['String']['output'];
  referencePoint: Scalars['String']['output'];
  street: Scalars['String']['output'];
};

export type AddressInput = {
  /** Make it the default address. */
  isDefault?: InputMaybe<Scalars['Boolean']['input']>;
  municipality: Scalars['String']['input'];
  neighbourhood: Scalars['String']['input'];
  /** An Angolan number (+244), mobile or fixed. */
  phone: Scalars['String']['input'];
  provinceId: Scalars['ID']['input'];
  recipient: Scalars['String']['input'];
  /** e.g. “Junto à Escola 14”. */
  referencePoint?: InputMaybe<Scalars['String']['input']>;
  /** Street and number, where there is one. */
  street?: InputMaybe<Scalars['String']['input']>;
};

export type AddressPayload = {
  __typename?: 'AddressPayload';
  address?: Maybe<Address>;
  errors: Array<UserError>;
};

export type AdjustmentInput = {
  /** Kwanza, positive (credit) or negative (debit). */
  amount: Scalars['Decimal']['input'];
  /** Why: shown to the seller in the ledger. */
  note: Scalars['String']['input'];
  storeId: Scalars['ID']['input'];
};

export type AuthPayload = {
  __typename?: 'AuthPayload';
  /** The user's cart after an anonymous cart given by cartCode was merged into it. */
  cart?: Maybe<Cart>;
  errors: Array<UserError>;
  /** Refresh token; lives seven days and is replaced on every refresh. */
  refreshToken?: Maybe<Scalars['String']['output']>;
  /** Access token, sent back as `Authorization: Bearer <token>`; lives one hour. */
  token?: Maybe<Scalars['String']['output']>;
  user?: Maybe<User>;
};

export type Cart = Node & {
  __typename?: 'Cart';
  /** The secret code of an anonymous cart; null once the cart belongs to a user. */
  cartCode?: Maybe<Scalars['String']['output']>;
  /** Per store in the cart: how it can deliver to this address (one of the caller's) or province, with fee and working-day dates; pickup only without either. */
  deliveryOptions: Array<StoreDeliveryOptions>;
  /** The cart's coupon code (applyCoupon) and its discount now, per store sub-order; null without a code. */
  discount?: Maybe<CartDiscount>;
  /** The Globally Unique ID of this object */
  id: Scalars['ID']['output'];
  items: Array<CartItem>;
  /** What the cart costs (each line at its variant's price), leaving out lines of products or variants no longer on sale. */
  subtotal: Scalars['Decimal']['output'];
  /** Units in the cart, leaving out lines of products or variants no longer on sale. */
  totalQuantity: Scalars['Int']['output'];
  updatedAt: Scalars['DateTime']['output'];
};


export type CartDeliveryOptionsArgs = {
  addressId?: InputMaybe<Scalars['ID']['input']>;
  provinceId?: InputMaybe<Scalars['ID']['input']>;
};

export type CartCouponPayload = {
  __typename?: 'CartCouponPayload';
  cart?: Maybe<Cart>;
  discount?: Maybe<CartDiscount>;
  errors: Array<UserError>;
};

export type CartDiscount = {
  __typename?: 'CartDiscount';
  /** The discount on the cart now, all stores together. */
  amount: Scalars['Decimal']['output'];
  code: Scalars['String']['output'];
  /** The platform's coupon (true) or a store's. */
  platformFunded: Scalars['Boolean']['output'];
  /** Why the code gives nothing now (used up, minimum spend, ended...): null when it applies. */
  problem?: Maybe<Scalars['String']['output']>;
  /** Per store sub-order of the cart. */
  stores: Array<StoreDiscount>;
};

export type CartItem = Node & {
  __typename?: 'CartItem';
  /** The Globally Unique ID of this object */
  id: Scalars['ID']['output'];
  /** The variant's price times the quantity. */
  lineTotal: Scalars['Decimal']['output'];
  /** The variant's product. */
  product: Product;
  quantity: Scalars['Int']['output'];
  /** The variant bought: one line per variant (for a product without options, its default variant). An inactive variant's line is left out of the totals and refused at checkout. */
  variant: ProductVariant;
};

export type CartPayload = {
  __typename?: 'CartPayload';
  cart?: Maybe<Cart>;
  errors: Array<UserError>;
};

export type Category = Node & {
  __typename?: 'Category';
  description: Scalars['String']['output'];
  /** The Globally Unique ID of this object */
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  slug: Scalars['String']['output'];
};

export type CategoryCommissionPayload = {
  __typename?: 'CategoryCommissionPayload';
  category?: Maybe<Category>;
  errors: Array<UserError>;
  /** The commission rate now in force for the category, in percent. */
  rate?: Maybe<Scalars['Decimal']['output']>;
};

export type CategoryInput = {
  description?: InputMaybe<Scalars['String']['input']>;
  name: Scalars['String']['input'];
};

export type CategoryPayload = {
  __typename?: 'CategoryPayload';
  category?: Maybe<Category>;
  errors: Array<UserError>;
};

export type CheckoutInput = {
  /** A new address for this checkout (not kept in the address book). */
  address?: InputMaybe<AddressInput>;
  /** One of the buyer's addresses. */
  addressId?: InputMaybe<Scalars['ID']['input']>;
  /** CARD: the card number (the simulated gateway declines numbers ending in 0002). */
  cardNumber?: InputMaybe<Scalars['String']['input']>;
  /** The recipient's phone (an Angolan number), for delivery. */
  contactPhone: Scalars['String']['input'];
  /** One choice per store in the cart (Cart.deliveryOptions): its fee is recomputed and added to that store's order. */
  delivery?: InputMaybe<Array<DeliveryChoiceInput>>;
  /** A client-chosen key: repeating a checkout with the same key returns the first result instead of charging twice. */
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  paymentMethod: PaymentMethod;
  /** MOBILE: the phone number to charge (the simulated gateway declines 900000000). */
  phoneNumber?: InputMaybe<Scalars['String']['input']>;
  /** With shippingAddress: the province it is in. */
  provinceId?: InputMaybe<Scalars['ID']['input']>;
  /** Free text. With provinceId: the street line of an address in that province. Alone, with no delivery choice: the orders are placed without a fee, their delivery arranged by each store (refused when the server requires a choice). Ignored with addressId or address. */
  shippingAddress?: InputMaybe<Scalars['String']['input']>;
};

export type CheckoutPayload = {
  __typename?: 'CheckoutPayload';
  errors: Array<UserError>;
  /** One order per store in the cart, all paid and committed together, or none. */
  orders?: Maybe<Array<Order>>;
};

export type Coupon = Node & {
  __typename?: 'Coupon';
  /** Compared without regard to case. */
  code: Scalars['String']['output'];
  endsAt?: Maybe<Scalars['DateTime']['output']>;
  firstOrderOnly: Scalars['Boolean']['output'];
  /** The Globally Unique ID of this object */
  id: Scalars['ID']['output'];
  isActive: Scalars['Boolean']['output'];
  /** True: the platform's coupon, which it funds. */
  isPlatform: Scalars['Boolean']['output'];
  /** PERCENTAGE of the eligible goods, or AMOUNT off them (at most their total). */
  kind: DiscountKind;
  maxUses?: Maybe<Scalars['Int']['output']>;
  /** Per account. */
  maxUsesPerBuyer?: Maybe<Scalars['Int']['output']>;
  /** On the goods it applies to, at their prices then (sale prices included). */
  minSpend?: Maybe<Scalars['Decimal']['output']>;
  startsAt?: Maybe<Scalars['DateTime']['output']>;
  /** Checkouts that used it, less those given back. */
  uses: Scalars['Int']['output'];
  value: Scalars['Decimal']['output'];
};

export type CouponInput = {
  /** ADMIN only: the platform's coupon applies to these categories. */
  categoryIds?: Array<Scalars['ID']['input']>;
  code: Scalars['String']['input'];
  endsAt?: InputMaybe<Scalars['DateTime']['input']>;
  firstOrderOnly?: Scalars['Boolean']['input'];
  kind: DiscountKind;
  maxUses?: InputMaybe<Scalars['Int']['input']>;
  maxUsesPerBuyer?: InputMaybe<Scalars['Int']['input']>;
  minSpend?: InputMaybe<Scalars['Decimal']['input']>;
  startsAt?: InputMaybe<Scalars['DateTime']['input']>;
  value: Scalars['Decimal']['input'];
};

export type CouponPayload = {
  __typename?: 'CouponPayload';
  coupon?: Maybe<Coupon>;
  errors: Array<UserError>;
};

export type DaySales = {
  __typename?: 'DaySales';
  /** A day in Luanda. */
  day: Scalars['Date']['output'];
  orders: Scalars['Int']['output'];
  revenue: Scalars['Decimal']['output'];
};

export type DeletePayload = {
  __typename?: 'DeletePayload';
  deleted: Scalars['Boolean']['output'];
  errors: Array<UserError>;
};

export type DeliveryChoiceInput = {
  /** The fee the buyer was shown: checkout is refused (INVALID, field delivery) when the fee is no longer this, instead of charging another. */
  expectedFee?: InputMaybe<Scalars['Decimal']['input']>;
  /** A DeliveryOption's methodId. */
  methodId?: InputMaybe<Scalars['ID']['input']>;
  /** True: pickup at the store (no methodId). */
  pickup?: InputMaybe<Scalars['Boolean']['input']>;
  storeId: Scalars['ID']['input'];
};

export enum DeliveryKind {
  Delivery = 'DELIVERY',
  Pickup = 'PICKUP'
}

export type DeliveryMethod = Node & {
  __typename?: 'DeliveryMethod';
  fee: Scalars['Decimal']['output'];
  /** Free when the store's goods in the order come to at least this much. */
  freeFrom?: Maybe<Scalars['Decimal']['output']>;
  /** The Globally Unique ID of this object */
  id: Scalars['ID']['output'];
  isActive: Scalars['Boolean']['output'];
  /** Not offered when the store's goods in the order come to more than this. */
  maxAmount?: Maybe<Scalars['Decimal']['output']>;
  maxDays: Scalars['Int']['output'];
  /** Working days (Monday to Friday, not a holiday). */
  minDays: Scalars['Int']['output'];
  name: Scalars['String']['output'];
};

export type DeliveryMethodInput = {
  /** 0 for free delivery. */
  fee: Scalars['Decimal']['input'];
  freeFrom?: InputMaybe<Scalars['Decimal']['input']>;
  isActive?: Scalars['Boolean']['input'];
  maxAmount?: InputMaybe<Scalars['Decimal']['input']>;
  maxDays: Scalars['Int']['input'];
  minDays: Scalars['Int']['input'];
  name: Scalars['String']['input'];
};

export type DeliveryMethodPayload = {
  __typename?: 'DeliveryMethodPayload';
  errors: Array<UserError>;
  method?: Maybe<DeliveryMethod>;
};

export type DeliveryOption = {
  __typename?: 'DeliveryOption';
  earliestDate: Scalars['Date']['output'];
  /** What checkout charges for this store's part of the cart. */
  fee: Scalars['Decimal']['output'];
  isFree: Scalars['Boolean']['output'];
  kind: DeliveryKind;
  latestDate: Scalars['Date']['output'];
  /** The DeliveryMethod; null for pickup. */
  methodId?: Maybe<Scalars['ID']['output']>;
  name: Scalars['String']['output'];
  /** PICKUP: where and when to collect. */
  pickup?: Maybe<StorePickup>;
  /** The method's fee before any free-delivery threshold. */
  regularFee: Scalars['Decimal']['output'];
};

export type DeliveryZone = Node & {
  __typename?: 'DeliveryZone';
  /** The Globally Unique ID of this object */
  id: Scalars['ID']['output'];
  methods: Array<DeliveryMethod>;
  name: Scalars['String']['output'];
  provinces: Array<Province>;
};

export type DeliveryZoneInput = {
  name: Scalars['String']['input'];
  provinceIds: Array<Scalars['ID']['input']>;
};

export type DeliveryZonePayload = {
  __typename?: 'DeliveryZonePayload';
  errors: Array<UserError>;
  zone?: Maybe<DeliveryZone>;
};

export enum DiscountKind {
  Amount = 'AMOUNT',
  Percentage = 'PERCENTAGE'
}

export type DonePayload = {
  __typename?: 'DonePayload';
  done: Scalars['Boolean']['output'];
  errors: Array<UserError>;
};

export enum ErrorCode {
  EmptyCart = 'EMPTY_CART',
  Forbidden = 'FORBIDDEN',
  Invalid = 'INVALID',
  InvalidCredentials = 'INVALID_CREDENTIALS',
  InvalidToken = 'INVALID_TOKEN',
  InvalidTransition = 'INVALID_TRANSITION',
  InUse = 'IN_USE',
  NotEligible = 'NOT_ELIGIBLE',
  NotFound = 'NOT_FOUND',
  OutOfStock = 'OUT_OF_STOCK',
  PaymentFailed = 'PAYMENT_FAILED',
  RateLimited = 'RATE_LIMITED',
  Required = 'REQUIRED',
  StockChanged = 'STOCK_CHANGED',
  Unique = 'UNIQUE',
  VariantRequired = 'VARIANT_REQUIRED'
}

/** A language Kitanda speaks. Answers follow each request's Accept-Language (Portuguese unless it asks for English); e-mails follow the user's `language`. */
export enum Language {
  En = 'EN',
  PtAo = 'PT_AO'
}

export type LedgerEntry = Node & {
  __typename?: 'LedgerEntry';
  /** Signed as it changes the balance: sales and commission reversals add, commissions, refunds and payouts subtract. */
  amount: Scalars['Decimal']['output'];
  createdAt: Scalars['DateTime']['output'];
  /** The Globally Unique ID of this object */
  id: Scalars['ID']['output'];
  kind: LedgerEntryKind;
  note: Scalars['String']['output'];
  orderNumber?: Maybe<Scalars['String']['output']>;
  /** Whether the entry counts in the available balance (false: pending). */
  released: Scalars['Boolean']['output'];
  /** The IVA inside a sale or refund (same sign); 0.00 on other entries. */
  taxAmount: Scalars['Decimal']['output'];
};

/** A connection to a list of items. */
export type LedgerEntryConnection = {
  __typename?: 'LedgerEntryConnection';
  /** Contains the nodes in this connection */
  edges: Array<LedgerEntryEdge>;
  /** Pagination data for this connection */
  pageInfo: PageInfo;
  /** Total quantity of existing nodes. Exact up to 1000; beyond that it may answer 1001, meaning "more than 1000": a list asked at the root stops counting there, so that a page costs the same however large the catalogue grows (page on with pageInfo.hasNextPage). */
  totalCount?: Maybe<Scalars['Int']['output']>;
};

/** An edge in a connection. */
export type LedgerEntryEdge = {
  __typename?: 'LedgerEntryEdge';
  /** A cursor for use in pagination */
  cursor: Scalars['String']['output'];
  /** The item at the end of the edge */
  node: LedgerEntry;
};

export enum LedgerEntryKind {
  Adjustment = 'ADJUSTMENT',
  Commission = 'COMMISSION',
  CommissionReversal = 'COMMISSION_REVERSAL',
  Delivery = 'DELIVERY',
  DeliveryRefund = 'DELIVERY_REFUND',
  Payout = 'PAYOUT',
  Refund = 'REFUND',
  Sale = 'SALE'
}

export type LedgerEntryPayload = {
  __typename?: 'LedgerEntryPayload';
  entry?: Maybe<LedgerEntry>;
  errors: Array<UserError>;
};

export type LowStockThresholdPayload = {
  __typename?: 'LowStockThresholdPayload';
  errors: Array<UserError>;
  lowStockThreshold?: Maybe<Scalars['Int']['output']>;
};

export type Mutation = {
  __typename?: 'Mutation';
  /** ADMIN: the store and its active products return to the catalogue. */
  activateStore: StorePayload;
  /** Anyone. Without a cart (no cartCode, anonymous) a new anonymous cart is created and its cartCode returned. Adding a variant already in the cart adds to its line; the line's quantity may not exceed the variant's stock. A line is named by variantId, or by productId for a product without options (its default variant); exactly one of the two. A product with options answers VARIANT_REQUIRED. */
  addToCart: CartPayload;
  /** Any logged-in user; adding twice keeps one item; more than 100 items -> INVALID. */
  addToWishlist: WishlistPayload;
  /** Put a coupon code on the caller's cart (an anonymous one by its code); the discount per store is shown at once and applied at checkout. */
  applyCoupon: CartCouponPayload;
  /** ADMIN */
  approveSeller: UserPayload;
  /** The order's buyer, while PENDING or CONFIRMED; or its store's seller; or an ADMIN. Restocks and refunds. */
  cancelOrder: OrderPayload;
  /** SELLER: ends a sale now (a running sale's prices go back at once). */
  cancelSale: SalePayload;
  /** Sends a verification link to the new address; the account's e-mail changes once it is followed. */
  changeEmail: UserPayload;
  /** Every token of the account stops working: log in again. */
  changePassword: UserPayload;
  /** BUYER */
  checkout: CheckoutPayload;
  /** The order's buyer, once a paid order arrived (SHIPPED or DELIVERED): a SHIPPED order becomes DELIVERED, and its money is released to the store. */
  confirmReceipt: OrderPayload;
  /** BUYER: at most 20 addresses; the first becomes the default. */
  createAddress: AddressPayload;
  /** ADMIN */
  createCategory: CategoryPayload;
  /** SELLER: a coupon for the store's goods; ADMIN: a platform coupon, which the platform funds. */
  createCoupon: CouponPayload;
  /** SELLER: at most 10 methods per zone. */
  createDeliveryMethod: DeliveryMethodPayload;
  /** SELLER (approved, with a store): a zone is a name and its provinces. */
  createDeliveryZone: DeliveryZonePayload;
  /** Approved SELLER with an active store */
  createProduct: ProductPayload;
  /** The product's store owner: a variant of a product with options (a combination no other variant has; at most 2048 a product). */
  createProductVariant: ProductVariantPayload;
  /** BUYER with a DELIVERED order holding the product; one review per product and user. */
  createReview: ReviewPayload;
  /** Approved SELLER without a store */
  createStore: StorePayload;
  /** ADMIN: a deactivated store and its products leave the catalogue. */
  deactivateStore: StorePayload;
  /** Anonymises the caller and closes the account; orders keep what sellers must keep. A seller with open orders cannot leave yet. */
  deleteAccount: DonePayload;
  /** BUYER: the oldest remaining address becomes the default if this one was. */
  deleteAddress: DeletePayload;
  /** SELLER */
  deleteDeliveryMethod: DeletePayload;
  /** SELLER: the zone and its methods; orders keep what they were charged. */
  deleteDeliveryZone: DeletePayload;
  /** The product's store owner: the product leaves the catalogue; past orders keep their snapshot. */
  deleteProduct: DeletePayload;
  /** The product's store owner: deletes a variant never ordered (one that was: IN_USE, deactivate it instead); a product keeps at least one. */
  deleteProductVariant: DeletePayload;
  /** The review's author, or an ADMIN */
  deleteReview: DeletePayload;
  /** ADMIN: credit or debit a store's available balance, with a note. */
  recordAdjustment: LedgerEntryPayload;
  /** ADMIN: record money sent to a store's bank, never more than its available balance; the seller is e-mailed. */
  recordPayout: PayoutPayload;
  /** Trade a refresh token for a new access token and a new refresh token; the old refresh token stops working. */
  refreshToken: AuthPayload;
  register: UserPayload;
  /** Take the coupon code off the caller's cart. */
  removeCoupon: CartCouponPayload;
  /** A line is named by variantId, or by productId for a product without options (its default variant); exactly one of the two. A product with options answers VARIANT_REQUIRED. */
  removeFromCart: CartPayload;
  removeFromWishlist: WishlistPayload;
  /** E-mails a single-use link to reset the password, if an account has this address. The answer is the same for any address. */
  requestPasswordReset: DonePayload;
  /** The order's buyer, while CONFIRMED, PROCESSING or SHIPPED: the payment is refunded, the order cancelled, the stock returned. */
  requestRefund: OrderPayload;
  /** Sends the verification link again (for an unverified or a changed address). */
  resendVerification: DonePayload;
  /** The token of the e-mailed link; every token of the account stops working. */
  resetPassword: UserPayload;
  /** Log out: the refresh token stops working. */
  revokeToken: RevokePayload;
  /** SELLER (approved, with a store): a sale on products or variants of the store. */
  scheduleSale: SalePayload;
  /** ADMIN: a category's own commission rate in percent (null: the platform's rate applies again). Orders placed already keep the rates copied onto their lines. */
  setCategoryCommission: CategoryCommissionPayload;
  /** SELLER or ADMIN: switch one of their coupons on or off. */
  setCouponActive: CouponPayload;
  /** BUYER */
  setDefaultAddress: AddressPayload;
  /** The store's owner: products at or below this stock show as low (0 to 1,000,000). */
  setLowStockThreshold: LowStockThresholdPayload;
  /** The product's store owner: its option groups (at most 3), each with its values, in order. Groups and values are matched by name (any case or accents). A new group gives every variant its first value (a product without options: its default variant becomes the variant of the first values, keeping its SKU, price and stock). A value that variants use cannot be removed, nor a group while the product has more than one variant (IN_USE). */
  setProductOptions: ProductPayload;
  /** SELLER: pickup at the store is free and needs no address. */
  setStorePickup: StorePickupPayload;
  /** The store's owner: the stock of many variants (at most 250), all or nothing; an item with expectedQuantity changes only if the stock is still that (else nothing changes: STOCK_CHANGED names each variant whose stock moved). */
  setVariantStock: VariantStockPayload;
  /** Log in with username or e-mail. With cartCode, that anonymous cart is merged into the user's cart. */
  tokenAuth: AuthPayload;
  /** BUYER: rewrites one of the buyer's addresses; orders keep their own copy. */
  updateAddress: AddressPayload;
  /** Quantity 0 removes the line. A line is named by variantId, or by productId for a product without options (its default variant); exactly one of the two. A product with options answers VARIANT_REQUIRED. */
  updateCartItem: CartPayload;
  /** SELLER: buyers quoted the old fee are asked to confirm the new one at checkout. */
  updateDeliveryMethod: DeliveryMethodPayload;
  /** SELLER: the zone's name and provinces, replaced. */
  updateDeliveryZone: DeliveryZonePayload;
  /** The order's store's seller (or an ADMIN): CONFIRMED -> PROCESSING -> SHIPPED -> DELIVERED, one step at a time. */
  updateOrderStatus: OrderPayload;
  /** The product's store owner */
  updateProduct: ProductPayload;
  /** The product's store owner: a variant's SKU, prices, stock, image, or isActive (deactivated, it is no longer sold and only its owner sees it). Its options stay. */
  updateProductVariant: ProductVariantPayload;
  updateProfile: UserPayload;
  /** The review's author */
  updateReview: ReviewPayload;
  /** The store's owner */
  updateStore: StorePayload;
  /** The token of an e-mailed verification link (a new or a changed address). */
  verifyEmail: UserPayload;
};


export type MutationActivateStoreArgs = {
  storeId: Scalars['ID']['input'];
};


export type MutationAddToCartArgs = {
  cartCode?: InputMaybe<Scalars['String']['input']>;
  productId?: InputMaybe<Scalars['ID']['input']>;
  quantity?: InputMaybe<Scalars['Int']['input']>;
  variantId?: InputMaybe<Scalars['ID']['input']>;
};


export type MutationAddToWishlistArgs = {
  productId: Scalars['ID']['input'];
};


export type MutationApplyCouponArgs = {
  cartCode?: InputMaybe<Scalars['String']['input']>;
  code: Scalars['String']['input'];
};


export type MutationApproveSellerArgs = {
  userId: Scalars['ID']['input'];
};


export type MutationCancelOrderArgs = {
  orderNumber: Scalars['String']['input'];
};


export type MutationCancelSaleArgs = {
  id: Scalars['ID']['input'];
};


export type MutationChangeEmailArgs = {
  newEmail: Scalars['String']['input'];
  password: Scalars['String']['input'];
};


export type MutationChangePasswordArgs = {
  currentPassword: Scalars['String']['input'];
  newPassword: Scalars['String']['input'];
};


export type MutationCheckoutArgs = {
  input: CheckoutInput;
};


export type MutationConfirmReceiptArgs = {
  orderNumber: Scalars['String']['input'];
};


export type MutationCreateAddressArgs = {
  input: AddressInput;
};


export type MutationCreateCategoryArgs = {
  input: CategoryInput;
};


export type MutationCreateCouponArgs = {
  input: CouponInput;
};


export type MutationCreateDeliveryMethodArgs = {
  input: DeliveryMethodInput;
  zoneId: Scalars['ID']['input'];
};


export type MutationCreateDeliveryZoneArgs = {
  input: DeliveryZoneInput;
};


export type MutationCreateProductArgs = {
  input: ProductInput;
};


export type MutationCreateProductVariantArgs = {
  input: ProductVariantInput;
  productId: Scalars['ID']['input'];
};


export type MutationCreateReviewArgs = {
  input: ReviewInput;
};


export type MutationCreateStoreArgs = {
  input: StoreInput;
};


export type MutationDeactivateStoreArgs = {
  storeId: Scalars['ID']['input'];
};


export type MutationDeleteAccountArgs = {
  password: Scalars['String']['input'];
};


export type MutationDeleteAddressArgs = {
  id: Scalars['ID']['input'];
};


export type MutationDeleteDeliveryMethodArgs = {
  id: Scalars['ID']['input'];
};


export type MutationDeleteDeliveryZoneArgs = {
  id: Scalars['ID']['input'];
};


export type MutationDeleteProductArgs = {
  id: Scalars['ID']['input'];
};


export type MutationDeleteProductVariantArgs = {
  id: Scalars['ID']['input'];
};


export type MutationDeleteReviewArgs = {
  id: Scalars['ID']['input'];
};


export type MutationRecordAdjustmentArgs = {
  input: AdjustmentInput;
};


export type MutationRecordPayoutArgs = {
  input: PayoutInput;
};


export type MutationRefreshTokenArgs = {
  refreshToken: Scalars['String']['input'];
};


export type MutationRegisterArgs = {
  input: RegisterInput;
};


export type MutationRemoveCouponArgs = {
  cartCode?: InputMaybe<Scalars['String']['input']>;
};


export type MutationRemoveFromCartArgs = {
  cartCode?: InputMaybe<Scalars['String']['input']>;
  productId?: InputMaybe<Scalars['ID']['input']>;
  variantId?: InputMaybe<Scalars['ID']['input']>;
};


export type MutationRemoveFromWishlistArgs = {
  productId: Scalars['ID']['input'];
};


export type MutationRequestPasswordResetArgs = {
  email: Scalars['String']['input'];
};


export type MutationRequestRefundArgs = {
  orderNumber: Scalars['String']['input'];
};


export type MutationResetPasswordArgs = {
  newPassword: Scalars['String']['input'];
  token: Scalars['String']['input'];
};


export type MutationRevokeTokenArgs = {
  refreshToken: Scalars['String']['input'];
};


export type MutationScheduleSaleArgs = {
  input: SaleInput;
};


export type MutationSetCategoryCommissionArgs = {
  categoryId: Scalars['ID']['input'];
  rate?: InputMaybe<Scalars['Decimal']['input']>;
};


export type MutationSetCouponActiveArgs = {
  active: Scalars['Boolean']['input'];
  id: Scalars['ID']['input'];
};


export type MutationSetDefaultAddressArgs = {
  id: Scalars['ID']['input'];
};


export type MutationSetLowStockThresholdArgs = {
  threshold: Scalars['Int']['input'];
};


export type MutationSetProductOptionsArgs = {
  options: Array<ProductOptionInput>;
  productId: Scalars['ID']['input'];
};


export type MutationSetStorePickupArgs = {
  input: StorePickupInput;
};


export type MutationSetVariantStockArgs = {
  items: Array<VariantStockInput>;
};


export type MutationTokenAuthArgs = {
  cartCode?: InputMaybe<Scalars['String']['input']>;
  password: Scalars['String']['input'];
  username: Scalars['String']['input'];
};


export type MutationUpdateAddressArgs = {
  id: Scalars['ID']['input'];
  input: AddressInput;
};


export type MutationUpdateCartItemArgs = {
  cartCode?: InputMaybe<Scalars['String']['input']>;
  productId?: InputMaybe<Scalars['ID']['input']>;
  quantity: Scalars['Int']['input'];
  variantId?: InputMaybe<Scalars['ID']['input']>;
};


export type MutationUpdateDeliveryMethodArgs = {
  id: Scalars['ID']['input'];
  input: DeliveryMethodInput;
};


export type MutationUpdateDeliveryZoneArgs = {
  id: Scalars['ID']['input'];
  input: DeliveryZoneInput;
};


export type MutationUpdateOrderStatusArgs = {
  orderNumber: Scalars['String']['input'];
  status: OrderStatus;
};


export type MutationUpdateProductArgs = {
  id: Scalars['ID']['input'];
  input: ProductUpdateInput;
};


export type MutationUpdateProductVariantArgs = {
  id: Scalars['ID']['input'];
  input: ProductVariantUpdateInput;
};


export type MutationUpdateProfileArgs = {
  input: ProfileInput;
};


export type MutationUpdateReviewArgs = {
  id: Scalars['ID']['input'];
  input: ReviewUpdateInput;
};


export type MutationUpdateStoreArgs = {
  input: StoreUpdateInput;
};


export type MutationVerifyEmailArgs = {
  token: Scalars['String']['input'];
};

/** An object with a Globally Unique ID */
export type Node = {
  /** The Globally Unique ID of this object */
  id: Scalars['ID']['output'];
};

/** An option value a product's variant must have. */
export type OptionFilter = {
  /** The group, any case or accents ("tamanho"). */
  name: Scalars['String']['input'];
  /** Its value, any case or accents ("42"). */
  value: Scalars['String']['input'];
};

export type Order = Node & {
  __typename?: 'Order';
  /** The recipient's phone, for delivery. */
  contactPhone: Scalars['String']['output'];
  /** The coupon applied at checkout, as typed; empty without one. */
  couponCode: Scalars['String']['output'];
  createdAt: Scalars['DateTime']['output'];
  /** Null for an order placed without a choice. */
  delivery?: Maybe<OrderDelivery>;
  /** Inside totalAmount; 0 without delivery. */
  deliveryFee: Scalars['Decimal']['output'];
  /** The store coupon's discount on this order (the store funds it): its lines' shares. */
  discountAmount: Scalars['Decimal']['output'];
  /** Every discount on this order, already taken off totalAmount. */
  discountTotal: Scalars['Decimal']['output'];
  /** The Globally Unique ID of this object */
  id: Scalars['ID']['output'];
  items: Array<OrderItem>;
  orderNumber: Scalars['String']['output'];
  payment?: Maybe<Payment>;
  paymentStatus: PaymentStatus;
  /** The platform coupon's discount on this order (the platform funds it). */
  platformDiscountAmount: Scalars['Decimal']['output'];
  shippingAddress: Scalars['String']['output'];
  status: OrderStatus;
  /** The one store that sells every item of this order: checkout splits a cart by store. */
  store: Store;
  totalAmount: Scalars['Decimal']['output'];
  updatedAt: Scalars['DateTime']['output'];
};

/** A connection to a list of items. */
export type OrderConnection = {
  __typename?: 'OrderConnection';
  /** Contains the nodes in this connection */
  edges: Array<OrderEdge>;
  /** Pagination data for this connection */
  pageInfo: PageInfo;
  /** Total quantity of existing nodes. Exact up to 1000; beyond that it may answer 1001, meaning "more than 1000": a list asked at the root stops counting there, so that a page costs the same however large the catalogue grows (page on with pageInfo.hasNextPage). */
  totalCount?: Maybe<Scalars['Int']['output']>;
};

export type OrderDelivery = {
  __typename?: 'OrderDelivery';
  earliestDate: Scalars['Date']['output'];
  fee: Scalars['Decimal']['output'];
  kind: DeliveryKind;
  latestDate: Scalars['Date']['output'];
  municipality?: Maybe<Scalars['String']['output']>;
  /** The method's name as it was (or the pickup's). */
  name: Scalars['String']['output'];
  neighbourhood?: Maybe<Scalars['String']['output']>;
  openingHours?: Maybe<Scalars['String']['output']>;
  phone?: Maybe<Scalars['String']['output']>;
  /** PICKUP: where to collect the order. */
  pickupAddress?: Maybe<Scalars['String']['output']>;
  province: Scalars['String']['output'];
  recipient?: Maybe<Scalars['String']['output']>;
  referencePoint?: Maybe<Scalars['String']['output']>;
  street?: Maybe<Scalars['String']['output']>;
};

/** An edge in a connection. */
export type OrderEdge = {
  __typename?: 'OrderEdge';
  /** A cursor for use in pagination */
  cursor: Scalars['String']['output'];
  /** The item at the end of the edge */
  node: Order;
};

export type OrderItem = Node & {
  __typename?: 'OrderItem';
  /** The line's share of a store coupon's discount (the store funds it), frozen at checkout. */
  discountAmount: Scalars['Decimal']['output'];
  /** The Globally Unique ID of this object */
  id: Scalars['ID']['output'];
  lineTotal: Scalars['Decimal']['output'];
  /** The variant's value of each option group at checkout, in the groups' order; empty for a product without options. */
  options: Array<SelectedOption>;
  /** What the buyer paid for the line: lineTotal less its shares of the discount; a refund gives back at most this. */
  paidAmount: Scalars['Decimal']['output'];
  /** The line's share of a platform coupon's discount (the platform funds it), frozen at checkout. */
  platformDiscountAmount: Scalars['Decimal']['output'];
  price: Scalars['Decimal']['output'];
  /** Null only if the product was deleted since. */
  product?: Maybe<Product>;
  /** Snapshots taken at checkout: later changes to the product do not touch them. */
  productName: Scalars['String']['output'];
  quantity: Scalars['Int']['output'];
  /** The variant's SKU at checkout; empty when it had none. */
  sku: Scalars['String']['output'];
  /** The IVA included in lineTotal, rounded half-up to the cent on this line. */
  taxAmount?: Maybe<Scalars['Decimal']['output']>;
  /** IVA in percent, as in force at checkout (prices include it); null on lines bought before it was recorded. */
  taxRate?: Maybe<Scalars['Decimal']['output']>;
  /** The variant bought; null only if it was deleted since (variantName, sku and options keep what it was). */
  variant?: Maybe<ProductVariant>;
  /** The variant's name at checkout ("40 / Preto"); empty for a product without options. */
  variantName: Scalars['String']['output'];
};

export type OrderPayload = {
  __typename?: 'OrderPayload';
  errors: Array<UserError>;
  order?: Maybe<Order>;
};

export enum OrderStatus {
  Cancelled = 'CANCELLED',
  Confirmed = 'CONFIRMED',
  Delivered = 'DELIVERED',
  Pending = 'PENDING',
  Processing = 'PROCESSING',
  Shipped = 'SHIPPED'
}

/** One change of an order, as it happened. */
export type OrderUpdate = {
  __typename?: 'OrderUpdate';
  at: Scalars['DateTime']['output'];
  /** Null for a new order. */
  fromStatus?: Maybe<OrderStatus>;
  orderNumber: Scalars['String']['output'];
  /** The order's payment status now. */
  paymentStatus: PaymentStatus;
  /** Numbers events in the order they were written (they may arrive in another order: skip numbers already seen). Pass the last one seen as `since` when subscribing again: what was missed is replayed, with some events already seen. */
  seq: Scalars['Int']['output'];
  /** The order's status after this event. */
  status: OrderStatus;
  totalAmount: Scalars['Decimal']['output'];
};

/** Information to aid in pagination. */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** When paginating forwards, the cursor to continue. */
  endCursor?: Maybe<Scalars['String']['output']>;
  /** When paginating forwards, are there more items? */
  hasNextPage: Scalars['Boolean']['output'];
  /** When paginating backwards, are there more items? */
  hasPreviousPage: Scalars['Boolean']['output'];
  /** When paginating backwards, the cursor to continue. */
  startCursor?: Maybe<Scalars['String']['output']>;
};

export type Payment = Node & {
  __typename?: 'Payment';
  amount: Scalars['Decimal']['output'];
  createdAt: Scalars['DateTime']['output'];
  /** The Globally Unique ID of this object */
  id: Scalars['ID']['output'];
  method: PaymentMethod;
  /** For REFERENCE payments: the entity number to pay at a bank or ATM, together with referenceNumber. */
  referenceEntity?: Maybe<Scalars['String']['output']>;
  /** For REFERENCE payments: the number the buyer pays at a bank or ATM; each order of a checkout has its own reference for its own amount. */
  referenceNumber?: Maybe<Scalars['String']['output']>;
  status: PaymentStatus;
  transactionId?: Maybe<Scalars['String']['output']>;
};

export enum PaymentMethod {
  Card = 'CARD',
  Mobile = 'MOBILE',
  Reference = 'REFERENCE'
}

export enum PaymentStatus {
  Completed = 'COMPLETED',
  Failed = 'FAILED',
  Pending = 'PENDING',
  Refunded = 'REFUNDED',
  RefundPending = 'REFUND_PENDING'
}

export type Payout = Node & {
  __typename?: 'Payout';
  amount: Scalars['Decimal']['output'];
  bankReference: Scalars['String']['output'];
  createdAt: Scalars['DateTime']['output'];
  /** The Globally Unique ID of this object */
  id: Scalars['ID']['output'];
  store: Store;
};

/** A connection to a list of items. */
export type PayoutConnection = {
  __typename?: 'PayoutConnection';
  /** Contains the nodes in this connection */
  edges: Array<PayoutEdge>;
  /** Pagination data for this connection */
  pageInfo: PageInfo;
  /** Total quantity of existing nodes. Exact up to 1000; beyond that it may answer 1001, meaning "more than 1000": a list asked at the root stops counting there, so that a page costs the same however large the catalogue grows (page on with pageInfo.hasNextPage). */
  totalCount?: Maybe<Scalars['Int']['output']>;
};

/** An edge in a connection. */
export type PayoutEdge = {
  __typename?: 'PayoutEdge';
  /** A cursor for use in pagination */
  cursor: Scalars['String']['output'];
  /** The item at the end of the edge */
  node: Payout;
};

export type PayoutInput = {
  /** Kwanza; at most the store's available balance. */
  amount: Scalars['Decimal']['input'];
  /** The bank transfer's reference, for the seller. */
  bankReference: Scalars['String']['input'];
  storeId: Scalars['ID']['input'];
};

export type PayoutPayload = {
  __typename?: 'PayoutPayload';
  errors: Array<UserError>;
  payout?: Maybe<Payout>;
};

export type PlatformStats = {
  __typename?: 'PlatformStats';
  /** Commission the ledger took in the period, less what it gave back on refunds. */
  commissionEarned: Scalars['Decimal']['output'];
  /** Checkouts that used a platform coupon. */
  couponUses: Scalars['Int']['output'];
  /** Paid orders that still stand, placed in the period. */
  gmv: Scalars['Decimal']['output'];
  gmvByDay: Array<DaySales>;
  newSellers: Scalars['Int']['output'];
  /** Orders placed in the period. */
  ordersByStatus: Array<StatusCount>;
  paidOrders: Scalars['Int']['output'];
  /** What the platform's coupons took off paid orders that still stand, placed in the period: the platform pays it, the stores are credited their goods in full. */
  promotionExpense: Scalars['Decimal']['output'];
};

export type PriceRange = {
  __typename?: 'PriceRange';
  /** The highest price of the product's active variants. */
  max: Scalars['Decimal']['output'];
  /** The lowest price of the product's active variants. */
  min: Scalars['Decimal']['output'];
};

export type Product = Node & {
  __typename?: 'Product';
  /** Null while the product has no review. */
  averageRating?: Maybe<Scalars['Float']['output']>;
  category: Category;
  createdAt: Scalars['DateTime']['output'];
  description: Scalars['String']['output'];
  /** The Globally Unique ID of this object */
  id: Scalars['ID']['output'];
  imageUrl?: Maybe<Scalars['String']['output']>;
  /** Whether the product is in the logged-in user's wishlist (the storefront's heart); false when anonymous. */
  inMyWishlist: Scalars['Boolean']['output'];
  /** Whether one of its active variants is in stock. */
  inStock: Scalars['Boolean']['output'];
  isActive: Scalars['Boolean']['output'];
  /** The logged-in user's review of this product; null when anonymous or not reviewed yet. */
  myReview?: Maybe<Review>;
  name: Scalars['String']['output'];
  /** Buyable now: active, not deleted, and its store active. A cart line whose product is not on sale is left out of the cart's totals and refused at checkout. */
  onSale: Scalars['Boolean']['output'];
  /** Its option groups (at most 3) in order, each with its values; empty for a product without options. */
  options: Array<ProductOption>;
  /** The product's price; for a product with options, the lowest price of its active variants (see priceRange). */
  price: Scalars['Decimal']['output'];
  priceRange: PriceRange;
  reviewCount: Scalars['Int']['output'];
  /** The product's reviews, newest first. */
  reviews: ReviewConnection;
  slug: Scalars['String']['output'];
  /** The product's stock; for a product with options, the total stock of its active variants (at most 2147483647). */
  stockQuantity: Scalars['Int']['output'];
  store: Store;
  /** A WebP of at most 400 px a side, made in the background from the image: null while there is no image, and for a new image until its thumbnail task has run (so createProduct and updateProduct with an image answer null here). */
  thumbnailUrl?: Maybe<Scalars['String']['output']>;
  updatedAt: Scalars['DateTime']['output'];
  /** What the product sells, in the seller's order: the active variants, and all of them for the product's owner. A product without options has one, its default variant. */
  variants: ProductVariantConnection;
};


export type ProductReviewsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};


export type ProductVariantsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};

export type ProductAvailability = {
  __typename?: 'ProductAvailability';
  /** False also when the product is no longer sold. */
  inStock: Scalars['Boolean']['output'];
  productId: Scalars['ID']['output'];
  stockLeft: Scalars['Int']['output'];
};

/** A connection to a list of items. */
export type ProductConnection = {
  __typename?: 'ProductConnection';
  /** Contains the nodes in this connection */
  edges: Array<ProductEdge>;
  /** Pagination data for this connection */
  pageInfo: PageInfo;
  /** Total quantity of existing nodes. Exact up to 1000; beyond that it may answer 1001, meaning "more than 1000": a list asked at the root stops counting there, so that a page costs the same however large the catalogue grows (page on with pageInfo.hasNextPage). */
  totalCount?: Maybe<Scalars['Int']['output']>;
};

/** An edge in a connection. */
export type ProductEdge = {
  __typename?: 'ProductEdge';
  /** A cursor for use in pagination */
  cursor: Scalars['String']['output'];
  /** The item at the end of the edge */
  node: Product;
};

export type ProductInput = {
  categoryId: Scalars['ID']['input'];
  description?: InputMaybe<Scalars['String']['input']>;
  /** A JPEG, PNG or WebP image (multipart upload). */
  image?: InputMaybe<Scalars['Upload']['input']>;
  name: Scalars['String']['input'];
  price: Scalars['Decimal']['input'];
  stockQuantity: Scalars['Int']['input'];
};

export type ProductOption = Node & {
  __typename?: 'ProductOption';
  /** The Globally Unique ID of this object */
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  position: Scalars['Int']['output'];
  /** In the seller's order. */
  values: Array<ProductOptionValue>;
};

export type ProductOptionInput = {
  /** 1 to 50 characters, unique in the product whatever its case and accents. */
  name: Scalars['String']['input'];
  /** 1 to 100 values of 1 to 50 characters, unique whatever their case and accents, in order. */
  values: Array<Scalars['String']['input']>;
};

export type ProductOptionValue = Node & {
  __typename?: 'ProductOptionValue';
  /** The Globally Unique ID of this object */
  id: Scalars['ID']['output'];
  value: Scalars['String']['output'];
};

export type ProductPayload = {
  __typename?: 'ProductPayload';
  errors: Array<UserError>;
  product?: Maybe<Product>;
};

export type ProductSales = {
  __typename?: 'ProductSales';
  /** The name on the order lines (a snapshot). */
  productName: Scalars['String']['output'];
  revenue: Scalars['Decimal']['output'];
  units: Scalars['Int']['output'];
};

export enum ProductSort {
  Name = 'NAME',
  Newest = 'NEWEST',
  PriceAsc = 'PRICE_ASC',
  PriceDesc = 'PRICE_DESC',
  Rating = 'RATING'
}

/** A field left out is unchanged. */
export type ProductUpdateInput = {
  categoryId?: InputMaybe<Scalars['ID']['input']>;
  description?: InputMaybe<Scalars['String']['input']>;
  image?: InputMaybe<Scalars['Upload']['input']>;
  isActive?: InputMaybe<Scalars['Boolean']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
  price?: InputMaybe<Scalars['Decimal']['input']>;
  stockQuantity?: InputMaybe<Scalars['Int']['input']>;
};

/** What a buyer buys: one combination of a product's option values, with its own SKU, price and stock. A product without options has one, its default variant (isDefault), never shown as a choice. */
export type ProductVariant = Node & {
  __typename?: 'ProductVariant';
  /** A former or reference price, shown struck through; null when there is none. */
  compareAtPrice?: Maybe<Scalars['Decimal']['output']>;
  /** The Globally Unique ID of this object */
  id: Scalars['ID']['output'];
  /** Null when the variant has no image of its own. */
  imageUrl?: Maybe<Scalars['String']['output']>;
  inStock: Scalars['Boolean']['output'];
  /** Inactive variants are shown to the product's owner only, and cannot be bought. */
  isActive: Scalars['Boolean']['output'];
  /** The one variant of a product without options (not a choice to show). */
  isDefault: Scalars['Boolean']['output'];
  /** Its option values in the groups' order ("40 / Preto"); empty for a default variant. */
  name: Scalars['String']['output'];
  /** Its value of each option group, in the groups' order. */
  options: Array<SelectedOption>;
  position: Scalars['Int']['output'];
  price: Scalars['Decimal']['output'];
  /** The product it is a variant of. */
  product: Product;
  /** Unique in its store; empty when the seller gave none. */
  sku: Scalars['String']['output'];
  stockQuantity: Scalars['Int']['output'];
};

/** A connection to a list of items. */
export type ProductVariantConnection = {
  __typename?: 'ProductVariantConnection';
  /** Contains the nodes in this connection */
  edges: Array<ProductVariantEdge>;
  /** Pagination data for this connection */
  pageInfo: PageInfo;
  /** Total quantity of existing nodes. Exact up to 1000; beyond that it may answer 1001, meaning "more than 1000": a list asked at the root stops counting there, so that a page costs the same however large the catalogue grows (page on with pageInfo.hasNextPage). */
  totalCount?: Maybe<Scalars['Int']['output']>;
};

/** An edge in a connection. */
export type ProductVariantEdge = {
  __typename?: 'ProductVariantEdge';
  /** A cursor for use in pagination */
  cursor: Scalars['String']['output'];
  /** The item at the end of the edge */
  node: ProductVariant;
};

export type ProductVariantInput = {
  compareAtPrice?: InputMaybe<Scalars['Decimal']['input']>;
  /** A JPEG, PNG or WebP image (multipart upload). */
  image?: InputMaybe<Scalars['Upload']['input']>;
  isActive?: Scalars['Boolean']['input'];
  /** One value of each of the product's option groups, by name (any case or accents). */
  options: Array<SelectedOptionInput>;
  price: Scalars['Decimal']['input'];
  /** Unique in the store; up to 64 characters. */
  sku?: InputMaybe<Scalars['String']['input']>;
  stockQuantity?: Scalars['Int']['input'];
};

export type ProductVariantPayload = {
  __typename?: 'ProductVariantPayload';
  errors: Array<UserError>;
  variant?: Maybe<ProductVariant>;
};

/** A field left out is unchanged. */
export type ProductVariantUpdateInput = {
  compareAtPrice?: InputMaybe<Scalars['Decimal']['input']>;
  image?: InputMaybe<Scalars['Upload']['input']>;
  isActive?: InputMaybe<Scalars['Boolean']['input']>;
  price?: InputMaybe<Scalars['Decimal']['input']>;
  sku?: InputMaybe<Scalars['String']['input']>;
  stockQuantity?: InputMaybe<Scalars['Int']['input']>;
};

/** A field left out is unchanged. */
export type ProfileInput = {
  firstName?: InputMaybe<Scalars['String']['input']>;
  /** The language of the user's e-mails. */
  language?: InputMaybe<Language>;
  lastName?: InputMaybe<Scalars['String']['input']>;
  /** An Angolan number (+244 923 456 789); an empty string removes it. */
  phone?: InputMaybe<Scalars['String']['input']>;
};

export type Province = Node & {
  __typename?: 'Province';
  /** A stable slug of the name (huambo, icolo-e-bengo). */
  code: Scalars['String']['output'];
  /** The Globally Unique ID of this object */
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  position: Scalars['Int']['output'];
};

export type ProvinceSales = {
  __typename?: 'ProvinceSales';
  deliveryFees: Scalars['Decimal']['output'];
  orders: Scalars['Int']['output'];
  /** Where the orders went (a pickup: the store's province); null for orders placed without one. */
  province?: Maybe<Scalars['String']['output']>;
  /** Their totals, delivery fees included. */
  revenue: Scalars['Decimal']['output'];
};

export type Query = {
  __typename?: 'Query';
  /** The logged-in user's cart, or the anonymous cart with this code; null if there is none. */
  cart?: Maybe<Cart>;
  categories: Array<Category>;
  category?: Maybe<Category>;
  /** Everything the marketplace keeps about the caller (profile, orders, reviews, wishlist), as one JSON document. */
  exportMyData: Scalars['JSON']['output'];
  /** The logged-in user, or null when anonymous. */
  me?: Maybe<User>;
  /** BUYER: the address book, the default first. */
  myAddresses: Array<Address>;
  /** SELLER: the store's coupons; ADMIN: the platform's (at most 100, newest first). */
  myCoupons: Array<Coupon>;
  /** SELLER: every delivery zone of the seller's store, inactive methods too. */
  myDeliveryZones: Array<DeliveryZone>;
  myOrders: OrderConnection;
  /** SELLER: the store's sales, the latest start first (at most 100). */
  mySales: Array<Sale>;
  /** SELLER: the seller's own store, with its balance, ledger and payouts; null while they have no store. */
  myStore?: Maybe<Store>;
  /** SELLER: the store's pickup, enabled or not. */
  myStorePickup?: Maybe<StorePickup>;
  myWishlist: Array<WishlistItem>;
  /** Visible to the buyer who placed it, the seller of its store, and admins; null for anyone else. */
  order?: Maybe<Order>;
  /** ADMIN: payouts (of one store), newest first. */
  payouts: PayoutConnection;
  /** ADMIN: sellers waiting for approval. */
  pendingSellers: Array<User>;
  /** ADMIN: the marketplace from `from` to `to` (inclusive, at most 366 days). */
  platformStats: PlatformStats;
  /** Active products of active stores only, unless the caller owns the product. */
  product?: Maybe<Product>;
  products: ProductConnection;
  /** Angola's 21 provinces, in their order. */
  provinces: Array<Province>;
  /** An active store; its owner and admins also get it while inactive. */
  store?: Maybe<Store>;
  /** How a store delivers: its zones with active methods, and its pickup. */
  storeDelivery: StoreDelivery;
  /** SELLER: orders of the seller's own store. */
  storeOrders: OrderConnection;
  /** SELLER: every product of the seller's own store, active or not, newest first (empty for a seller without a store). */
  storeProducts: ProductConnection;
  /** SELLER: the own store's sales from `from` to `to` (inclusive, at most 366 days); null while the seller has no store. */
  storeStats?: Maybe<StoreStats>;
  /** Active stores. */
  stores: StoreConnection;
};


export type QueryCartArgs = {
  cartCode?: InputMaybe<Scalars['String']['input']>;
};


export type QueryCategoryArgs = {
  slug: Scalars['String']['input'];
};


export type QueryMyOrdersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<OrderStatus>;
};


export type QueryOrderArgs = {
  orderNumber: Scalars['String']['input'];
};


export type QueryPayoutsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  storeId?: InputMaybe<Scalars['ID']['input']>;
};


export type QueryPlatformStatsArgs = {
  from: Scalars['Date']['input'];
  to: Scalars['Date']['input'];
};


export type QueryProductArgs = {
  slug: Scalars['String']['input'];
};


export type QueryProductsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  category?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  inStock?: InputMaybe<Scalars['Boolean']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  maxPrice?: InputMaybe<Scalars['Decimal']['input']>;
  minPrice?: InputMaybe<Scalars['Decimal']['input']>;
  options?: InputMaybe<Array<OptionFilter>>;
  search?: InputMaybe<Scalars['String']['input']>;
  sort?: InputMaybe<ProductSort>;
  store?: InputMaybe<Scalars['String']['input']>;
};


export type QueryStoreArgs = {
  slug: Scalars['String']['input'];
};


export type QueryStoreDeliveryArgs = {
  storeId: Scalars['ID']['input'];
};


export type QueryStoreOrdersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<OrderStatus>;
};


export type QueryStoreProductsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryStoreStatsArgs = {
  from: Scalars['Date']['input'];
  to: Scalars['Date']['input'];
};


export type QueryStoresArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};

export type RegisterInput = {
  email: Scalars['String']['input'];
  firstName: Scalars['String']['input'];
  lastName: Scalars['String']['input'];
  password: Scalars['String']['input'];
  /** BUYER or SELLER; ADMIN accounts are never created through the API. */
  userType: UserType;
  /** Letters, digits and . _ - only; never an e-mail address. */
  username: Scalars['String']['input'];
};

export type Review = Node & {
  __typename?: 'Review';
  /** The reviewer's display name (first name and last initial); never the username or e-mail. */
  authorName: Scalars['String']['output'];
  comment: Scalars['String']['output'];
  createdAt: Scalars['DateTime']['output'];
  /** The Globally Unique ID of this object */
  id: Scalars['ID']['output'];
  product: Product;
  rating: Scalars['Int']['output'];
};

/** A connection to a list of items. */
export type ReviewConnection = {
  __typename?: 'ReviewConnection';
  /** Contains the nodes in this connection */
  edges: Array<ReviewEdge>;
  /** Pagination data for this connection */
  pageInfo: PageInfo;
  /** Total quantity of existing nodes. Exact up to 1000; beyond that it may answer 1001, meaning "more than 1000": a list asked at the root stops counting there, so that a page costs the same however large the catalogue grows (page on with pageInfo.hasNextPage). */
  totalCount?: Maybe<Scalars['Int']['output']>;
};

/** An edge in a connection. */
export type ReviewEdge = {
  __typename?: 'ReviewEdge';
  /** A cursor for use in pagination */
  cursor: Scalars['String']['output'];
  /** The item at the end of the edge */
  node: Review;
};

export type ReviewInput = {
  comment?: InputMaybe<Scalars['String']['input']>;
  productId: Scalars['ID']['input'];
  rating: Scalars['Int']['input'];
};

export type ReviewPayload = {
  __typename?: 'ReviewPayload';
  errors: Array<UserError>;
  review?: Maybe<Review>;
};

/** A field left out is unchanged (this holds for every *UpdateInput). */
export type ReviewUpdateInput = {
  comment?: InputMaybe<Scalars['String']['input']>;
  rating?: InputMaybe<Scalars['Int']['input']>;
};

export type RevokePayload = {
  __typename?: 'RevokePayload';
  errors: Array<UserError>;
  revoked: Scalars['Boolean']['output'];
};

export type Sale = Node & {
  __typename?: 'Sale';
  endsAt: Scalars['DateTime']['output'];
  /** The Globally Unique ID of this object */
  id: Scalars['ID']['output'];
  /** PERCENTAGE: `value` percent off each variant's price; AMOUNT: `value` is the new price. */
  kind: DiscountKind;
  name: Scalars['String']['output'];
  startsAt: Scalars['DateTime']['output'];
  /** SCHEDULED, RUNNING (the variants' price is the sale's, the compare-at price the old one), ENDED or CANCELLED; moved at the boundaries by the first request after them. */
  state: SaleState;
  value: Scalars['Decimal']['output'];
  /** The variants on sale. */
  variantCount: Scalars['Int']['output'];
};

export type SaleInput = {
  endsAt: Scalars['DateTime']['input'];
  kind: DiscountKind;
  name: Scalars['String']['input'];
  /** Every variant of these products. */
  productIds?: Array<Scalars['ID']['input']>;
  /** A moment in the past starts the sale now. */
  startsAt: Scalars['DateTime']['input'];
  value: Scalars['Decimal']['input'];
  variantIds?: Array<Scalars['ID']['input']>;
};

export type SalePayload = {
  __typename?: 'SalePayload';
  errors: Array<UserError>;
  sale?: Maybe<Sale>;
};

export enum SaleState {
  Cancelled = 'CANCELLED',
  Ended = 'ENDED',
  Running = 'RUNNING',
  Scheduled = 'SCHEDULED'
}

/** A variant's value of one option group. */
export type SelectedOption = {
  __typename?: 'SelectedOption';
  /** The option group's name ("Tamanho"). */
  name: Scalars['String']['output'];
  /** The variant's value of it ("42"). */
  value: Scalars['String']['output'];
};

export type SelectedOptionInput = {
  name: Scalars['String']['input'];
  value: Scalars['String']['input'];
};

export type StatusCount = {
  __typename?: 'StatusCount';
  count: Scalars['Int']['output'];
  status: OrderStatus;
};

export type Store = Node & {
  __typename?: 'Store';
  /** OWNER: the store's balance; null for anyone else. */
  balance?: Maybe<StoreBalance>;
  createdAt: Scalars['DateTime']['output'];
  description: Scalars['String']['output'];
  /** The Globally Unique ID of this object */
  id: Scalars['ID']['output'];
  isActive: Scalars['Boolean']['output'];
  /** OWNER: the store's ledger, newest first; null for anyone else. */
  ledger?: Maybe<LedgerEntryConnection>;
  logoUrl?: Maybe<Scalars['String']['output']>;
  name: Scalars['String']['output'];
  /** OWNER: payouts to the store, newest first; null for anyone else. */
  payouts?: Maybe<PayoutConnection>;
  /** The store's products that are on sale, newest first. */
  products: ProductConnection;
  slug: Scalars['String']['output'];
};


export type StoreLedgerArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};


export type StorePayoutsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};


export type StoreProductsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};

export type StoreBalance = {
  __typename?: 'StoreBalance';
  /** Released money (orders whose receipt was confirmed or whose hold passed), less payouts, plus or minus adjustments: what can be paid out. */
  available: Scalars['Decimal']['output'];
  /** Everything paid out to the store so far. */
  paidOut: Scalars['Decimal']['output'];
  /** Paid orders' money not released yet. */
  pending: Scalars['Decimal']['output'];
};

/** A connection to a list of items. */
export type StoreConnection = {
  __typename?: 'StoreConnection';
  /** Contains the nodes in this connection */
  edges: Array<StoreEdge>;
  /** Pagination data for this connection */
  pageInfo: PageInfo;
  /** Total quantity of existing nodes. Exact up to 1000; beyond that it may answer 1001, meaning "more than 1000": a list asked at the root stops counting there, so that a page costs the same however large the catalogue grows (page on with pageInfo.hasNextPage). */
  totalCount?: Maybe<Scalars['Int']['output']>;
};

export type StoreDelivery = {
  __typename?: 'StoreDelivery';
  pickup?: Maybe<StorePickup>;
  /** The zones with an active method, each with its active methods. */
  zones: Array<DeliveryZone>;
};

export type StoreDeliveryOptions = {
  __typename?: 'StoreDeliveryOptions';
  /** The store's goods in the cart that can be bought now. */
  goodsTotal: Scalars['Decimal']['output'];
  /** Cheapest first; empty when the store neither delivers to the province nor offers pickup: the cart cannot be checked out to this address then. */
  options: Array<DeliveryOption>;
  store: Store;
};

export type StoreDiscount = {
  __typename?: 'StoreDiscount';
  amount: Scalars['Decimal']['output'];
  store: Store;
};

/** An edge in a connection. */
export type StoreEdge = {
  __typename?: 'StoreEdge';
  /** A cursor for use in pagination */
  cursor: Scalars['String']['output'];
  /** The item at the end of the edge */
  node: Store;
};

export type StoreInput = {
  description?: InputMaybe<Scalars['String']['input']>;
  logo?: InputMaybe<Scalars['Upload']['input']>;
  name: Scalars['String']['input'];
};

export type StorePayload = {
  __typename?: 'StorePayload';
  errors: Array<UserError>;
  store?: Maybe<Store>;
};

export type StorePickup = {
  __typename?: 'StorePickup';
  address: Scalars['String']['output'];
  isEnabled: Scalars['Boolean']['output'];
  municipality: Scalars['String']['output'];
  openingHours: Scalars['String']['output'];
  province: Province;
  /** Working days until an order is ready to collect. */
  readyDays: Scalars['Int']['output'];
};

export type StorePickupInput = {
  address: Scalars['String']['input'];
  isEnabled: Scalars['Boolean']['input'];
  municipality: Scalars['String']['input'];
  /** e.g. “Segunda a sexta, 8h às 17h; sábado, 8h às 13h”. */
  openingHours: Scalars['String']['input'];
  provinceId: Scalars['ID']['input'];
  readyDays?: Scalars['Int']['input'];
};

export type StorePickupPayload = {
  __typename?: 'StorePickupPayload';
  errors: Array<UserError>;
  pickup?: Maybe<StorePickup>;
};

export type StoreStats = {
  __typename?: 'StoreStats';
  /** Those orders that used one of its coupons. */
  couponUses: Scalars['Int']['output'];
  /** The store's products (hidden ones too) at or below the threshold, fewest first; at most 50. A product with options counts the total of its active variants (see lowStockVariants). */
  lowStockProducts: Array<Product>;
  lowStockThreshold: Scalars['Int']['output'];
  /** The store's active variants (of its products, hidden ones too) at or below the threshold, fewest first; at most 50. Each names its product (ProductVariant.product). */
  lowStockVariants: Array<ProductVariant>;
  /** Paid orders that still stand, by province, most orders first. */
  ordersByProvince: Array<ProvinceSales>;
  /** What the store's own coupons took off its paid orders that still stand (the store funds them; the platform's coupons cost it nothing). */
  promotionCost: Scalars['Decimal']['output'];
  /** Paid orders that still stand, by the day they were placed; every day of the period. */
  revenueByDay: Array<DaySales>;
  /** At most 10. */
  topProductsByRevenue: Array<ProductSales>;
  /** At most 10. */
  topProductsByUnits: Array<ProductSales>;
};

export type StoreUpdateInput = {
  description?: InputMaybe<Scalars['String']['input']>;
  logo?: InputMaybe<Scalars['Upload']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
};

export type Subscription = {
  __typename?: 'Subscription';
  /** BUYER: changes of the buyer's own orders (status, payment). */
  myOrderUpdates: OrderUpdate;
  /** Stock of up to 50 products (a product page): their current state first, then every change. */
  productAvailability: ProductAvailability;
  /** SELLER: new orders, payments, cancellations and status steps of the seller's store; ADMIN: of the store named by storeId. */
  storeOrderEvents: OrderUpdate;
};


export type SubscriptionMyOrderUpdatesArgs = {
  since?: InputMaybe<Scalars['Int']['input']>;
};


export type SubscriptionProductAvailabilityArgs = {
  ids: Array<Scalars['ID']['input']>;
};


export type SubscriptionStoreOrderEventsArgs = {
  since?: InputMaybe<Scalars['Int']['input']>;
  storeId?: InputMaybe<Scalars['ID']['input']>;
};

export type User = Node & {
  __typename?: 'User';
  dateJoined: Scalars['DateTime']['output'];
  email: Scalars['String']['output'];
  /** Whether the user followed the link e-mailed to their address. */
  emailVerified: Scalars['Boolean']['output'];
  firstName: Scalars['String']['output'];
  /** The Globally Unique ID of this object */
  id: Scalars['ID']['output'];
  isApprovedSeller: Scalars['Boolean']['output'];
  /** The language of the user's e-mails: the one they registered in, or chose since (updateProfile). */
  language: Language;
  lastName: Scalars['String']['output'];
  /** An address the user asked to change to, waiting for its link to be followed; empty if none. */
  pendingEmail: Scalars['String']['output'];
  phone: Scalars['String']['output'];
  store?: Maybe<Store>;
  userType: UserType;
  username: Scalars['String']['output'];
};

export type UserError = {
  __typename?: 'UserError';
  code: ErrorCode;
  /** Input field the error is about, in the API's camelCase; null when it is about the whole request. */
  field?: Maybe<Scalars['String']['output']>;
  message: Scalars['String']['output'];
};

export type UserPayload = {
  __typename?: 'UserPayload';
  errors: Array<UserError>;
  user?: Maybe<User>;
};

export enum UserType {
  Admin = 'ADMIN',
  Buyer = 'BUYER',
  Seller = 'SELLER'
}

export type VariantStockInput = {
  /** The stock the variant must still have (compare-and-set): when it has another, nothing changes and the error (STOCK_CHANGED) names it. */
  expectedQuantity?: InputMaybe<Scalars['Int']['input']>;
  quantity: Scalars['Int']['input'];
  variantId: Scalars['ID']['input'];
};

export type VariantStockPayload = {
  __typename?: 'VariantStockPayload';
  errors: Array<UserError>;
  /** The variants set, by id; empty when nothing changed. */
  variants: Array<ProductVariant>;
};

export type WishlistItem = Node & {
  __typename?: 'WishlistItem';
  addedAt: Scalars['DateTime']['output'];
  /** The Globally Unique ID of this object */
  id: Scalars['ID']['output'];
  product: Product;
};

export type WishlistPayload = {
  __typename?: 'WishlistPayload';
  errors: Array<UserError>;
  items?: Maybe<Array<WishlistItem>>;
};
