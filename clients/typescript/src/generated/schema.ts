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
  Date: { input: unknown; output: unknown; }
  /** Date with time (isoformat) */
  DateTime: { input: string; output: string; }
  /** Decimal (fixed-point) */
  Decimal: { input: string; output: string; }
  /** The `JSON` scalar type represents JSON values as specified by [ECMA-404](https://ecma-international.org/wp-content/uploads/ECMA-404_2nd_edition_december_2017.pdf). */
  JSON: { input: unknown; output: unknown; }
  /** Represents a file upload. */
  Upload: { input: Blob; output: Blob; }
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
  /** The Globally Unique ID of this object */
  id: Scalars['ID']['output'];
  items: Array<CartItem>;
  /** What the cart costs, leaving out lines of products no longer on sale. */
  subtotal: Scalars['Decimal']['output'];
  /** Units in the cart, leaving out lines of products no longer on sale. */
  totalQuantity: Scalars['Int']['output'];
  updatedAt: Scalars['DateTime']['output'];
};

export type CartItem = Node & {
  __typename?: 'CartItem';
  /** The Globally Unique ID of this object */
  id: Scalars['ID']['output'];
  lineTotal: Scalars['Decimal']['output'];
  product: Product;
  quantity: Scalars['Int']['output'];
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
  /** CARD: the card number (the simulated gateway declines numbers ending in 0002). */
  cardNumber?: InputMaybe<Scalars['String']['input']>;
  /** The recipient's phone (an Angolan number), for delivery. */
  contactPhone: Scalars['String']['input'];
  /** A client-chosen key: repeating a checkout with the same key returns the first result instead of charging twice. */
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  paymentMethod: PaymentMethod;
  /** MOBILE: the phone number to charge (the simulated gateway declines 900000000). */
  phoneNumber?: InputMaybe<Scalars['String']['input']>;
  shippingAddress: Scalars['String']['input'];
};

export type CheckoutPayload = {
  __typename?: 'CheckoutPayload';
  errors: Array<UserError>;
  /** One order per store in the cart, all paid and committed together, or none. */
  orders?: Maybe<Array<Order>>;
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
  NotEligible = 'NOT_ELIGIBLE',
  NotFound = 'NOT_FOUND',
  OutOfStock = 'OUT_OF_STOCK',
  PaymentFailed = 'PAYMENT_FAILED',
  RateLimited = 'RATE_LIMITED',
  Required = 'REQUIRED',
  Unique = 'UNIQUE'
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
  /** Total quantity of existing nodes. */
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
  /** Anyone. Without a cart (no cartCode, anonymous) a new anonymous cart is created and its cartCode returned. */
  addToCart: CartPayload;
  /** Any logged-in user; adding twice keeps one item; more than 100 items -> INVALID. */
  addToWishlist: WishlistPayload;
  /** ADMIN */
  approveSeller: UserPayload;
  /** The order's buyer, while PENDING or CONFIRMED; or its store's seller; or an ADMIN. Restocks and refunds. */
  cancelOrder: OrderPayload;
  /** Sends a verification link to the new address; the account's e-mail changes once it is followed. */
  changeEmail: UserPayload;
  /** Every token of the account stops working: log in again. */
  changePassword: UserPayload;
  /** BUYER */
  checkout: CheckoutPayload;
  /** The order's buyer, once a paid order arrived (SHIPPED or DELIVERED): a SHIPPED order becomes DELIVERED, and its money is released to the store. */
  confirmReceipt: OrderPayload;
  /** ADMIN */
  createCategory: CategoryPayload;
  /** Approved SELLER with an active store */
  createProduct: ProductPayload;
  /** BUYER with a DELIVERED order holding the product; one review per product and user. */
  createReview: ReviewPayload;
  /** Approved SELLER without a store */
  createStore: StorePayload;
  /** ADMIN: a deactivated store and its products leave the catalogue. */
  deactivateStore: StorePayload;
  /** Anonymises the caller and closes the account; orders keep what sellers must keep. A seller with open orders cannot leave yet. */
  deleteAccount: DonePayload;
  /** The product's store owner: the product leaves the catalogue; past orders keep their snapshot. */
  deleteProduct: DeletePayload;
  /** The review's author, or an ADMIN */
  deleteReview: DeletePayload;
  /** ADMIN: credit or debit a store's available balance, with a note. */
  recordAdjustment: LedgerEntryPayload;
  /** ADMIN: record money sent to a store's bank, never more than its available balance; the seller is e-mailed. */
  recordPayout: PayoutPayload;
  /** Trade a refresh token for a new access token and a new refresh token; the old refresh token stops working. */
  refreshToken: AuthPayload;
  register: UserPayload;
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
  /** ADMIN: a category's own commission rate in percent (null: the platform's rate applies again). Orders placed already keep the rates copied onto their lines. */
  setCategoryCommission: CategoryCommissionPayload;
  /** The store's owner: products at or below this stock show as low (0 to 1,000,000). */
  setLowStockThreshold: LowStockThresholdPayload;
  /** Log in with username or e-mail. With cartCode, that anonymous cart is merged into the user's cart. */
  tokenAuth: AuthPayload;
  /** Quantity 0 removes the line. */
  updateCartItem: CartPayload;
  /** The order's store's seller (or an ADMIN): CONFIRMED -> PROCESSING -> SHIPPED -> DELIVERED, one step at a time. */
  updateOrderStatus: OrderPayload;
  /** The product's store owner */
  updateProduct: ProductPayload;
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
  productId: Scalars['ID']['input'];
  quantity?: InputMaybe<Scalars['Int']['input']>;
};


export type MutationAddToWishlistArgs = {
  productId: Scalars['ID']['input'];
};


export type MutationApproveSellerArgs = {
  userId: Scalars['ID']['input'];
};


export type MutationCancelOrderArgs = {
  orderNumber: Scalars['String']['input'];
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


export type MutationCreateCategoryArgs = {
  input: CategoryInput;
};


export type MutationCreateProductArgs = {
  input: ProductInput;
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


export type MutationDeleteProductArgs = {
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


export type MutationRemoveFromCartArgs = {
  cartCode?: InputMaybe<Scalars['String']['input']>;
  productId: Scalars['ID']['input'];
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


export type MutationSetCategoryCommissionArgs = {
  categoryId: Scalars['ID']['input'];
  rate?: InputMaybe<Scalars['Decimal']['input']>;
};


export type MutationSetLowStockThresholdArgs = {
  threshold: Scalars['Int']['input'];
};


export type MutationTokenAuthArgs = {
  cartCode?: InputMaybe<Scalars['String']['input']>;
  password: Scalars['String']['input'];
  username: Scalars['String']['input'];
};


export type MutationUpdateCartItemArgs = {
  cartCode?: InputMaybe<Scalars['String']['input']>;
  productId: Scalars['ID']['input'];
  quantity: Scalars['Int']['input'];
};


export type MutationUpdateOrderStatusArgs = {
  orderNumber: Scalars['String']['input'];
  status: OrderStatus;
};


export type MutationUpdateProductArgs = {
  id: Scalars['ID']['input'];
  input: ProductUpdateInput;
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

export type Order = Node & {
  __typename?: 'Order';
  /** The recipient's phone, for delivery. */
  contactPhone: Scalars['String']['output'];
  createdAt: Scalars['DateTime']['output'];
  /** The Globally Unique ID of this object */
  id: Scalars['ID']['output'];
  items: Array<OrderItem>;
  orderNumber: Scalars['String']['output'];
  payment?: Maybe<Payment>;
  paymentStatus: PaymentStatus;
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
  /** Total quantity of existing nodes. */
  totalCount?: Maybe<Scalars['Int']['output']>;
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
  /** The Globally Unique ID of this object */
  id: Scalars['ID']['output'];
  lineTotal: Scalars['Decimal']['output'];
  price: Scalars['Decimal']['output'];
  /** Null only if the product was deleted since. */
  product?: Maybe<Product>;
  /** Snapshots taken at checkout: later changes to the product do not touch them. */
  productName: Scalars['String']['output'];
  quantity: Scalars['Int']['output'];
  /** The IVA included in lineTotal, rounded half-up to the cent on this line. */
  taxAmount?: Maybe<Scalars['Decimal']['output']>;
  /** IVA in percent, as in force at checkout (prices include it); null on lines bought before it was recorded. */
  taxRate?: Maybe<Scalars['Decimal']['output']>;
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
  /** Total quantity of existing nodes. */
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
  /** Paid orders that still stand, placed in the period. */
  gmv: Scalars['Decimal']['output'];
  gmvByDay: Array<DaySales>;
  newSellers: Scalars['Int']['output'];
  /** Orders placed in the period. */
  ordersByStatus: Array<StatusCount>;
  paidOrders: Scalars['Int']['output'];
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
  inStock: Scalars['Boolean']['output'];
  isActive: Scalars['Boolean']['output'];
  /** The logged-in user's review of this product; null when anonymous or not reviewed yet. */
  myReview?: Maybe<Review>;
  name: Scalars['String']['output'];
  /** Buyable now: active, not deleted, and its store active. A cart line whose product is not on sale is left out of the cart's totals and refused at checkout. */
  onSale: Scalars['Boolean']['output'];
  price: Scalars['Decimal']['output'];
  reviewCount: Scalars['Int']['output'];
  /** The product's reviews, newest first. */
  reviews: ReviewConnection;
  slug: Scalars['String']['output'];
  stockQuantity: Scalars['Int']['output'];
  store: Store;
  /** A WebP of at most 400 px a side, made in the background from the image: null while there is no image, and for a new image until its thumbnail task has run (so createProduct and updateProduct with an image answer null here). */
  thumbnailUrl?: Maybe<Scalars['String']['output']>;
  updatedAt: Scalars['DateTime']['output'];
};


export type ProductReviewsArgs = {
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
  /** Total quantity of existing nodes. */
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

/** A field left out is unchanged. */
export type ProfileInput = {
  firstName?: InputMaybe<Scalars['String']['input']>;
  /** The language of the user's e-mails. */
  language?: InputMaybe<Language>;
  lastName?: InputMaybe<Scalars['String']['input']>;
  /** An Angolan number (+244 923 456 789); an empty string removes it. */
  phone?: InputMaybe<Scalars['String']['input']>;
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
  myOrders: OrderConnection;
  /** SELLER: the seller's own store, with its balance, ledger and payouts; null while they have no store. */
  myStore?: Maybe<Store>;
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
  /** An active store; its owner and admins also get it while inactive. */
  store?: Maybe<Store>;
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
  search?: InputMaybe<Scalars['String']['input']>;
  sort?: InputMaybe<ProductSort>;
  store?: InputMaybe<Scalars['String']['input']>;
};


export type QueryStoreArgs = {
  slug: Scalars['String']['input'];
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
  /** Total quantity of existing nodes. */
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
  /** Total quantity of existing nodes. */
  totalCount?: Maybe<Scalars['Int']['output']>;
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

export type StoreStats = {
  __typename?: 'StoreStats';
  /** The store's products (hidden ones too) at or below the threshold, fewest first; at most 50. */
  lowStockProducts: Array<Product>;
  lowStockThreshold: Scalars['Int']['output'];
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
