// Every English string the app shows. Another language is a file of the same shape (Messages).
export const en = {
  app: {
    name: "Kirana",
    tagline: "Neighbourhood stores, delivered in minutes.",
    online: "Online",
    offline: "Offline",
  },
  landing: {
    title: "Kirana",
    intro: "Order from the kirana stores around you, sell from your shop, or deliver as a rider.",
    signIn: "Sign in",
    signUp: "Create an account",
  },
  fields: {
    fullName: "Your name",
    email: "Email",
    password: "Password",
    passwordHint: "At least 8 characters.",
    role: "I want to",
  },
  roles: {
    customer: { label: "Shop", hint: "Order from stores near you." },
    merchant: { label: "Sell", hint: "Take orders for my store." },
    rider: { label: "Deliver", hint: "Deliver orders as a rider." },
  },
  signIn: {
    title: "Sign in",
    submit: "Sign in",
    submitting: "Signing in…",
    wrongCredentials: "That email and password do not match an account.",
    confirmEmail: "Confirm your email address first: follow the link we sent you.",
    noAccount: "New here?",
    signUpLink: "Create an account",
  },
  signUp: {
    title: "Create an account",
    submit: "Create account",
    submitting: "Creating your account…",
    emailTaken: "An account with this email already exists. Sign in instead.",
    checkEmail: "Check your email: we sent a link to confirm your account.",
    haveAccount: "Already have an account?",
    signInLink: "Sign in",
  },
  signOut: {
    submit: "Sign out",
    submitting: "Signing out…",
  },
  validation: {
    fixErrors: (count: number) => (count === 1 ? "Please fix 1 problem below." : `Please fix ${count} problems below.`),
    nameRequired: "Enter your name.",
    nameTooLong: "A name can be at most 120 characters.",
    emailInvalid: "Enter an email address like name@example.com.",
    passwordShort: "Use at least 8 characters.",
    passwordLong: "Use at most 72 characters.",
    passwordRequired: "Enter your password.",
    roleRequired: "Choose what you want to do.",
  },
  areas: {
    hello: (name: string) => `Hello, ${name}`,
    customer: { title: "Shop", intro: "Stores near you and your orders will appear here." },
    merchant: { title: "Your store", intro: "New orders and your stock will appear here." },
    rider: { title: "Deliveries", intro: "Jobs near you and your deliveries will appear here." },
    admin: {
      title: "Admins use Supabase Studio",
      intro: "This app is for customers, merchants and riders. Run the platform from Supabase Studio: approve stores, suspend accounts and follow orders there.",
    },
    suspended: {
      title: "Your account is suspended",
      body: "You can look around but cannot change anything. Contact support to have it reinstated.",
      reason: (reason: string) => `Reason given: ${reason}`,
    },
  },
  errors: {
    forbiddenTitle: "Not your area",
    forbidden: "This part of the app is for another kind of account.",
    goHome: "Go to your area",
    notFound: "This page does not exist.",
    generic: "Something went wrong. Please try again.",
    backHome: "Back to the start",
    unreachable: "The server could not be reached. Check your connection and try again.",
  },
};

type Widen<T> = T extends string ? string : T extends (...args: infer A) => string ? (...args: A) => string : { [K in keyof T]: Widen<T[K]> };
/** The shape every language's messages share. */
export type Messages = Widen<typeof en>;
