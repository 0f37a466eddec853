// The places and names of the seeded city: Pune's neighbourhoods with their centres, PIN codes
// and how densely shops crowd them, and the names people and shops there carry.
import type { Database } from "../app/src/lib/database.types.js";

type StoreCategory = Database["public"]["Enums"]["store_category"];

export interface Locality {
  name: string;
  lat: number;
  lng: number;
  pin: string;
  /** Relative number of shops: the old city's peths are the densest. */
  weight: number;
  /** How far shops spread from the centre (standard deviation, metres). */
  spreadM: number;
  roads: readonly string[];
}

export const LOCALITIES: readonly Locality[] = [
  { name: "Sadashiv Peth", lat: 18.5107, lng: 73.8493, pin: "411030", weight: 4, spreadM: 500, roads: ["Bajirao Road", "Tilak Road", "Lokmanya Nagar Lane"] },
  { name: "Kasba Peth", lat: 18.5196, lng: 73.8591, pin: "411011", weight: 4, spreadM: 450, roads: ["Laxmi Road", "Kasba Ganpati Road", "Phadke Haud Chowk"] },
  { name: "Shivajinagar", lat: 18.5308, lng: 73.8475, pin: "411005", weight: 3, spreadM: 700, roads: ["FC Road", "JM Road", "Ganeshkhind Road"] },
  { name: "Deccan Gymkhana", lat: 18.5158, lng: 73.8418, pin: "411004", weight: 3, spreadM: 500, roads: ["FC Road", "Karve Road", "Prabhat Road"] },
  { name: "Erandwane", lat: 18.5095, lng: 73.833, pin: "411004", weight: 2, spreadM: 500, roads: ["Law College Road", "Karve Road", "DP Road"] },
  { name: "Model Colony", lat: 18.528, lng: 73.838, pin: "411016", weight: 2, spreadM: 500, roads: ["Model Colony Road", "Shivaji Housing Society Lane"] },
  { name: "Swargate", lat: 18.5018, lng: 73.8636, pin: "411042", weight: 3, spreadM: 600, roads: ["Shankarsheth Road", "Satara Road", "Sarasbaug Road"] },
  { name: "Market Yard", lat: 18.487, lng: 73.868, pin: "411037", weight: 3, spreadM: 600, roads: ["Market Yard Road", "Gultekdi Road"] },
  { name: "Camp", lat: 18.5158, lng: 73.8793, pin: "411001", weight: 3, spreadM: 700, roads: ["MG Road", "East Street", "Centre Street"] },
  { name: "Koregaon Park", lat: 18.5362, lng: 73.894, pin: "411001", weight: 2, spreadM: 800, roads: ["North Main Road", "Lane 5", "South Main Road"] },
  { name: "Kalyani Nagar", lat: 18.5463, lng: 73.9033, pin: "411006", weight: 2, spreadM: 700, roads: ["Central Avenue", "Airport Road"] },
  { name: "Yerawada", lat: 18.5515, lng: 73.88, pin: "411006", weight: 3, spreadM: 800, roads: ["Nagar Road", "Shastri Nagar Road", "Jail Road"] },
  { name: "Viman Nagar", lat: 18.5679, lng: 73.9143, pin: "411014", weight: 3, spreadM: 900, roads: ["Viman Nagar Road", "Datta Mandir Road", "Symbiosis Road"] },
  { name: "Kharadi", lat: 18.5515, lng: 73.9348, pin: "411014", weight: 3, spreadM: 1100, roads: ["Kharadi Bypass", "EON IT Park Road", "Nagar Road"] },
  { name: "Wagholi", lat: 18.5808, lng: 73.9787, pin: "412207", weight: 2, spreadM: 1300, roads: ["Pune-Nagar Highway", "Kesnand Road"] },
  { name: "Vishrantwadi", lat: 18.5726, lng: 73.8782, pin: "411015", weight: 2, spreadM: 800, roads: ["Alandi Road", "Dhanori Road"] },
  { name: "Dhanori", lat: 18.5917, lng: 73.8987, pin: "411015", weight: 2, spreadM: 900, roads: ["Dhanori-Lohegaon Road", "Porwal Road"] },
  { name: "Lohegaon", lat: 18.596, lng: 73.926, pin: "411047", weight: 1, spreadM: 1100, roads: ["Lohegaon Road", "Airport Road"] },
  { name: "Mundhwa", lat: 18.533, lng: 73.9296, pin: "411036", weight: 2, spreadM: 800, roads: ["Mundhwa Road", "Keshav Nagar Road"] },
  { name: "Hadapsar", lat: 18.5089, lng: 73.926, pin: "411028", weight: 4, spreadM: 1200, roads: ["Solapur Road", "Sasane Nagar Road", "Handewadi Road"] },
  { name: "Magarpatta", lat: 18.5147, lng: 73.9299, pin: "411013", weight: 1, spreadM: 500, roads: ["Magarpatta City Road"] },
  { name: "Wanowrie", lat: 18.4902, lng: 73.9003, pin: "411040", weight: 2, spreadM: 800, roads: ["Wanowrie Road", "Jagtap Chowk Road"] },
  { name: "Kondhwa", lat: 18.4663, lng: 73.8974, pin: "411048", weight: 3, spreadM: 1000, roads: ["Kondhwa Road", "NIBM Road", "Salunke Vihar Road"] },
  { name: "Undri", lat: 18.4517, lng: 73.9146, pin: "411060", weight: 1, spreadM: 900, roads: ["Undri Road", "Handewadi Road"] },
  { name: "Bibwewadi", lat: 18.4706, lng: 73.8656, pin: "411037", weight: 3, spreadM: 700, roads: ["Bibwewadi-Kondhwa Road", "Upper Indira Nagar Road"] },
  { name: "Katraj", lat: 18.4484, lng: 73.8585, pin: "411046", weight: 3, spreadM: 900, roads: ["Satara Road", "Katraj-Kondhwa Road"] },
  { name: "Dhankawadi", lat: 18.4602, lng: 73.8535, pin: "411043", weight: 2, spreadM: 700, roads: ["Dhankawadi Road", "Balaji Nagar Road"] },
  { name: "Vadgaon Budruk", lat: 18.468, lng: 73.82, pin: "411041", weight: 2, spreadM: 900, roads: ["Sinhagad Road", "Navale Bridge Road"] },
  { name: "Karve Nagar", lat: 18.4894, lng: 73.819, pin: "411052", weight: 2, spreadM: 600, roads: ["Karve Nagar Road", "Hingne Road"] },
  { name: "Warje", lat: 18.4847, lng: 73.801, pin: "411058", weight: 2, spreadM: 900, roads: ["Warje Road", "Mumbai-Bangalore Highway"] },
  { name: "Kothrud", lat: 18.5074, lng: 73.8077, pin: "411038", weight: 4, spreadM: 1000, roads: ["Paud Road", "Karve Road", "Mayur Colony Road", "DP Road"] },
  { name: "Bavdhan", lat: 18.5158, lng: 73.7806, pin: "411021", weight: 1, spreadM: 800, roads: ["Bavdhan Road", "Chandani Chowk Road"] },
  { name: "Pashan", lat: 18.5383, lng: 73.792, pin: "411021", weight: 1, spreadM: 800, roads: ["Pashan-Sus Road", "Panchvati Road"] },
  { name: "Sus", lat: 18.547, lng: 73.758, pin: "411021", weight: 1, spreadM: 900, roads: ["Sus Road", "Mhalunge Road"] },
  { name: "Baner", lat: 18.559, lng: 73.7868, pin: "411045", weight: 3, spreadM: 1000, roads: ["Baner Road", "Baner-Pashan Link Road", "Balewadi Road"] },
  { name: "Balewadi", lat: 18.576, lng: 73.7791, pin: "411045", weight: 2, spreadM: 800, roads: ["Balewadi High Street", "Balewadi Road"] },
  { name: "Aundh", lat: 18.558, lng: 73.8075, pin: "411007", weight: 3, spreadM: 800, roads: ["ITI Road", "DP Road", "Parihar Chowk Road"] },
  { name: "Khadki", lat: 18.5635, lng: 73.852, pin: "411003", weight: 2, spreadM: 700, roads: ["Old Mumbai-Pune Highway", "Khadki Bazaar Road"] },
  { name: "Wakad", lat: 18.5989, lng: 73.76, pin: "411057", weight: 3, spreadM: 1100, roads: ["Wakad Road", "Bhumkar Chowk Road", "Kaspate Wasti Road"] },
  { name: "Hinjewadi", lat: 18.5913, lng: 73.7389, pin: "411057", weight: 2, spreadM: 1300, roads: ["Hinjewadi Phase 1 Road", "Maan Road"] },
  { name: "Pimple Saudagar", lat: 18.598, lng: 73.801, pin: "411027", weight: 3, spreadM: 800, roads: ["Kunal Icon Road", "Shivar Chowk Road"] },
  { name: "Pimpri", lat: 18.6279, lng: 73.8009, pin: "411018", weight: 4, spreadM: 1000, roads: ["Pimpri Camp Road", "Old Mumbai-Pune Highway"] },
  { name: "Chinchwad", lat: 18.6436, lng: 73.792, pin: "411033", weight: 4, spreadM: 1100, roads: ["Chinchwad Station Road", "Link Road", "Bijlinagar Road"] },
  { name: "Nigdi", lat: 18.6513, lng: 73.7707, pin: "411044", weight: 3, spreadM: 1000, roads: ["Nigdi Pradhikaran Road", "Akurdi Road"] },
  { name: "Ravet", lat: 18.649, lng: 73.743, pin: "412101", weight: 1, spreadM: 1000, roads: ["Ravet Road", "Mumbai-Bangalore Highway"] },
  { name: "Bhosari", lat: 18.6288, lng: 73.847, pin: "411026", weight: 3, spreadM: 1100, roads: ["Bhosari-Alandi Road", "Landewadi Road"] },
];

/** Where the demo merchant's shop stands and where the README tells the demo customer to look. */
export const DEMO_LOCALITY = "Kothrud";

export const FIRST_NAMES = [
  "Aarav", "Aditi", "Ajay", "Akshay", "Amol", "Ananya", "Anil", "Anita", "Arjun", "Asha", "Bhavana", "Chetan",
  "Deepa", "Dinesh", "Ganesh", "Gauri", "Harish", "Imran", "Ishaan", "Jyoti", "Kavita", "Kiran", "Mahesh", "Manisha",
  "Meera", "Mohan", "Nandini", "Neha", "Nikhil", "Nilesh", "Omkar", "Pallavi", "Pooja", "Prakash", "Pranav", "Priya",
  "Rahul", "Rajesh", "Rakesh", "Ramesh", "Rekha", "Rohit", "Rupali", "Sachin", "Sagar", "Sameer", "Sandeep", "Sangeeta",
  "Sanjay", "Sarika", "Shilpa", "Shubham", "Snehal", "Sneha", "Sunil", "Sunita", "Swati", "Tanvi", "Tushar", "Vaishali",
  "Varsha", "Vijay", "Vikas", "Vinod", "Yash", "Yogesh", "Zoya", "Farhan", "Ayesha", "Joseph", "Maria", "Harpreet",
] as const;

export const SURNAMES = [
  "Patil", "Jadhav", "Kulkarni", "Deshpande", "Shinde", "Pawar", "Joshi", "More", "Gaikwad", "Kale", "Chavan", "Bhosale",
  "Deshmukh", "Kadam", "Salunkhe", "Gokhale", "Apte", "Sathe", "Karve", "Mehta", "Shah", "Jain", "Oswal", "Bhandari",
  "Agarwal", "Gupta", "Sharma", "Yadav", "Shaikh", "Khan", "Pathan", "Inamdar", "Fernandes", "D'Souza", "Nair", "Iyer",
  "Reddy", "Rao", "Singh", "Gill", "Wagh", "Thorat", "Mane", "Lokhande", "Sawant", "Naik", "Bhide", "Ranade",
] as const;

/** Shop names read "<prefix or owner's surname> <suffix>": "Jai Bhavani Kirana Stores", "Patil Medical". */
export const NAME_PREFIXES = [
  "Shree Ganesh", "Jai Bhavani", "Om Sai", "Mahalaxmi", "Balaji", "Sai Krupa", "Jai Malhar", "Siddhivinayak",
  "Navkar", "Mahavir", "Gurukrupa", "Swami Samarth", "Annapurna", "Vitthal", "Datta", "Ekvira", "Moraya",
  "Laxmi Narayan", "Shri Krishna", "Ambika", "Bhairavnath", "Tulja Bhavani", "Renuka", "Sahyadri", "Shivneri",
  "Gajanan", "Dnyaneshwar", "Saraswati", "New", "Royal", "Green Leaf", "Daily Needs", "Family", "Friends",
] as const;

export const NAME_SUFFIXES: Record<StoreCategory, readonly string[]> = {
  grocery: ["Kirana Stores", "General Stores", "Provision Stores", "Super Market", "Mart", "Traders", "Kirana & General Stores"],
  fruits_vegetables: ["Fruits & Vegetables", "Bhaji Kendra", "Fresh Veggies", "Fruit Centre"],
  dairy: ["Dairy", "Dudh Dairy", "Milk Centre", "Dairy Farm Products"],
  bakery: ["Bakery", "Bakers", "Cake Shop", "Irani Bakery"],
  meat_fish: ["Chicken Centre", "Mutton Shop", "Fish Market", "Meat & Fish"],
  pharmacy: ["Medical", "Medicals", "Chemists", "Pharmacy", "Medical & General Stores"],
  sweets_snacks: ["Sweets", "Mithai Bhandar", "Sweet Mart", "Farsan House"],
  general: ["General Stores", "Variety Stores", "Enterprises", "Emporium"],
};

/** Share of each kind of shop among a city's shops. */
export const CATEGORY_MIX: readonly (readonly [StoreCategory, number])[] = [
  ["grocery", 45],
  ["fruits_vegetables", 12],
  ["dairy", 10],
  ["pharmacy", 10],
  ["bakery", 8],
  ["meat_fish", 6],
  ["sweets_snacks", 5],
  ["general", 4],
];

/** How far each kind of shop delivers, in metres (min, max). */
export const DELIVERY_RADIUS_M: Record<StoreCategory, readonly [number, number]> = {
  grocery: [2000, 4000],
  fruits_vegetables: [1500, 3000],
  dairy: [1500, 3000],
  bakery: [2000, 3500],
  meat_fish: [2500, 4000],
  pharmacy: [3000, 5000],
  sweets_snacks: [2000, 4000],
  general: [2000, 3500],
};

type Hours = Record<string, [string, string][]>;
const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
const every = (slots: [string, string][]): Hours => Object.fromEntries(DAYS.map((d) => [d, slots]));

/** The demo merchant's shop never closes, so the demo works at any hour. */
export const ALWAYS_OPEN: Hours = every([["00:00", "24:00"]]);

/**
 * Opening hours as shops keep them: many of Pune's shops close for the afternoon, dairies open
 * early and again in the evening, some chemists never close.
 */
export const OPENING_HOURS: Record<StoreCategory, readonly (readonly [Hours, number])[]> = {
  grocery: [
    [every([["08:00", "22:00"]]), 40],
    [every([["08:00", "13:30"], ["16:30", "21:30"]]), 35],
    [every([["07:00", "23:00"]]), 25],
  ],
  fruits_vegetables: [
    [every([["07:00", "21:30"]]), 70],
    [every([["06:30", "12:30"], ["16:00", "21:00"]]), 30],
  ],
  dairy: [
    [every([["06:00", "11:00"], ["17:00", "21:30"]]), 60],
    [every([["06:00", "22:00"]]), 40],
  ],
  bakery: [[every([["07:00", "22:00"]]), 100]],
  meat_fish: [
    [every([["07:00", "14:00"], ["17:00", "21:00"]]), 60],
    [every([["08:00", "21:00"]]), 40],
  ],
  pharmacy: [
    [every([["08:00", "23:00"]]), 80],
    [ALWAYS_OPEN, 20],
  ],
  sweets_snacks: [[every([["08:00", "22:00"]]), 100]],
  general: [
    [every([["09:00", "21:00"]]), 60],
    [every([["09:30", "13:30"], ["16:30", "21:00"]]), 40],
  ],
};

/** Shops with a weekly day off close on this day. */
export const WEEKLY_OFF = ["mon", "tue", "thu"] as const;

export const BUILDINGS = [
  "Sai Darshan Apartments", "Mangalmurti Complex", "Shivtirth Society", "Ganga Heights", "Prathamesh Arcade",
  "Laxmi Niwas", "Sukhsagar Building", "Yashoda Plaza", "Anand Park", "Kalpataru Residency", "Vrindavan Society",
  "Gulmohar Apartments", "Suyash Commercial Complex", "Shubham Chambers", "Madhuban Society",
] as const;

export const STORE_DESCRIPTIONS = [
  "Family-run shop serving the neighbourhood since {year}.",
  "Fresh stock every morning; call ahead for bulk orders.",
  "Open on all festivals. Free delivery in the society.",
  "Trusted by the colony since {year}. Home delivery available.",
  "Everyday essentials at fair prices, {locality}.",
] as const;

export const SUSPENSION_REASONS = [
  "Repeated complaints about expired products",
  "Licence documents expired; awaiting renewal",
  "Prices charged above MRP, under review",
] as const;

export const VEHICLES = [
  ["scooter", 45],
  ["motorcycle", 30],
  ["electric_scooter", 20],
  ["bicycle", 5],
] as const;

/** What customers write when they rate an order, by how it went (most write nothing). */
export const REVIEW_COMMENTS = {
  good: [
    "Fresh vegetables and quick delivery.",
    "Bhaiya delivered in 15 minutes, very polite.",
    "Everything as ordered, well packed.",
    "Best kirana in the area, always has what I need.",
    "Milk was cold and fresh. Thank you!",
    "Good quality atta and dal, fair prices.",
  ],
  mixed: [
    "Delivery was late but the items were fine.",
    "One item was missing, rest okay.",
    "Okay, but the tomatoes were a bit soft.",
    "Packing could be better.",
  ],
  bad: [
    "Took over an hour. Ice cream had melted.",
    "Wrong brand sent without asking.",
    "Items close to expiry date.",
  ],
} as const;
