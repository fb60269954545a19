export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** Date with time (isoformat) */
  DateTime: { input: string; output: string; }
  /** Decimal (fixed-point) */
  Decimal: { input: string; output: string; }
  /** Represents a file upload. */
  Upload: { input: Blob; output: Blob; }
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

export type DeletePayload = {
  __typename?: 'DeletePayload';
  deleted: Scalars['Boolean']['output'];
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
  /** BUYER */
  checkout: CheckoutPayload;
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
  /** The product's store owner: the product leaves the catalogue; past orders keep their snapshot. */
  deleteProduct: DeletePayload;
  /** The review's author, or an ADMIN */
  deleteReview: DeletePayload;
  /** Trade a refresh token for a new access token and a new refresh token; the old refresh token stops working. */
  refreshToken: AuthPayload;
  register: UserPayload;
  removeFromCart: CartPayload;
  removeFromWishlist: WishlistPayload;
  /** The order's buyer, while CONFIRMED, PROCESSING or SHIPPED: the payment is refunded, the order cancelled, the stock returned. */
  requestRefund: OrderPayload;
  /** Log out: the refresh token stops working. */
  revokeToken: RevokePayload;
  /** Log in with username or e-mail. With cartCode, that anonymous cart is merged into the user's cart. */
  tokenAuth: AuthPayload;
  /** Quantity 0 removes the line. */
  updateCartItem: CartPayload;
  /** The order's store's seller (or an ADMIN): CONFIRMED -> PROCESSING -> SHIPPED -> DELIVERED, one step at a time. */
  updateOrderStatus: OrderPayload;
  /** The product's store owner */
  updateProduct: ProductPayload;
  /** The review's author */
  updateReview: ReviewPayload;
  /** The store's owner */
  updateStore: StorePayload;
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


export type MutationCheckoutArgs = {
  input: CheckoutInput;
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


export type MutationDeleteProductArgs = {
  id: Scalars['ID']['input'];
};


export type MutationDeleteReviewArgs = {
  id: Scalars['ID']['input'];
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


export type MutationRequestRefundArgs = {
  orderNumber: Scalars['String']['input'];
};


export type MutationRevokeTokenArgs = {
  refreshToken: Scalars['String']['input'];
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


export type MutationUpdateReviewArgs = {
  id: Scalars['ID']['input'];
  input: ReviewUpdateInput;
};


export type MutationUpdateStoreArgs = {
  input: StoreUpdateInput;
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
  price: Scalars['Decimal']['output'];
  reviewCount: Scalars['Int']['output'];
  /** The product's reviews, newest first. */
  reviews: ReviewConnection;
  slug: Scalars['String']['output'];
  stockQuantity: Scalars['Int']['output'];
  store: Store;
  thumbnailUrl?: Maybe<Scalars['String']['output']>;
  updatedAt: Scalars['DateTime']['output'];
};


export type ProductReviewsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
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

export type Query = {
  __typename?: 'Query';
  /** The logged-in user's cart, or the anonymous cart with this code; null if there is none. */
  cart?: Maybe<Cart>;
  categories: Array<Category>;
  category?: Maybe<Category>;
  /** The logged-in user, or null when anonymous. */
  me?: Maybe<User>;
  myOrders: OrderConnection;
  myWishlist: Array<WishlistItem>;
  /** Visible to the buyer who placed it, the seller of its store, and admins; null for anyone else. */
  order?: Maybe<Order>;
  /** ADMIN: sellers waiting for approval. */
  pendingSellers: Array<User>;
  /** Active products of active stores only, unless the caller owns the product. */
  product?: Maybe<Product>;
  products: ProductConnection;
  /** An active store; its owner and admins also get it while inactive. */
  store?: Maybe<Store>;
  /** SELLER: orders of the seller's own store. */
  storeOrders: OrderConnection;
  /** SELLER: every product of the seller's own store, active or not, newest first (empty for a seller without a store). */
  storeProducts: ProductConnection;
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

export type Store = Node & {
  __typename?: 'Store';
  createdAt: Scalars['DateTime']['output'];
  description: Scalars['String']['output'];
  /** The Globally Unique ID of this object */
  id: Scalars['ID']['output'];
  isActive: Scalars['Boolean']['output'];
  logoUrl?: Maybe<Scalars['String']['output']>;
  name: Scalars['String']['output'];
  /** The store's products that are on sale, newest first. */
  products: ProductConnection;
  slug: Scalars['String']['output'];
};


export type StoreProductsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
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

export type StoreUpdateInput = {
  description?: InputMaybe<Scalars['String']['input']>;
  logo?: InputMaybe<Scalars['Upload']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
};

export type User = Node & {
  __typename?: 'User';
  dateJoined: Scalars['DateTime']['output'];
  email: Scalars['String']['output'];
  firstName: Scalars['String']['output'];
  /** The Globally Unique ID of this object */
  id: Scalars['ID']['output'];
  isApprovedSeller: Scalars['Boolean']['output'];
  lastName: Scalars['String']['output'];
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
