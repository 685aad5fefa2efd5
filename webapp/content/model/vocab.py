"""The one set of names the content model knows: kinds of collections and roles of fields.

Everything that decides "what is this key about" lives here, so that intent
extraction, item normalisation and page rendering agree about the same data.
Keys are compared by ``normal_key`` (lowercase letters and digits) or split
into words by ``words`` (camelCase, snake_case, kebab-case).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..text import normal_key

_CAMEL = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


def words(key: str) -> list[str]:
    """Split a key (``numberOfBedrooms``, ``area_sqm``, ``wp:term``) into lowercase words."""
    key = key[:120]
    if len(key) <= 64:
        return list(_words(key))  # a copy: callers may change their list
    return [word.lower() for word in _CAMEL.findall(key)]


@lru_cache(maxsize=4096)
def _words(key: str) -> tuple[str, ...]:
    # Keys repeat in every record of a collection: kept per process, for short keys only.
    return tuple(word.lower() for word in _CAMEL.findall(key))


def word_set(text: str) -> frozenset[str]:
    """Build a set from space-separated words (long word lists stay readable)."""
    return frozenset(text.split())


def singular(word: str) -> str:
    """Turn an English plural into its singular, well enough for collection keys."""
    if word in SAME_IN_BOTH:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


# Nouns whose singular and plural are one word ("a species", "the species").
SAME_IN_BOTH = frozenset({"species", "series", "sheep", "deer", "fish", "aircraft"})

# Nouns without a plural ("the modular content", not "contents").
UNCOUNTABLE = word_set(
    "content information news media music software equipment feedback advice furniture "
    "jewellery jewelry clothing merchandise footwear luggage staff press research cast crew "
    "series"
)


def plural(word: str) -> str:
    """Pluralise an English noun well enough for field names like city or status."""
    if word in UNCOUNTABLE or word in SAME_IN_BOTH:
        return word
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "i", "o", "u"):
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    return word + "s"


# --------------------------------------------------------------------------
# Kinds of collections


@dataclass(frozen=True)
class Kind:
    """What a known collection name means to a visitor."""

    name: str  # stable identifier, also the icon name
    title: str  # the intent title
    singular: str
    plural: str
    verb: str  # "Browse 14 dishes"
    id_base: str  # intent id
    emoji: str  # the icon as text (the API's frontend shows it)


_KIND_TABLE: list[tuple[str, Kind]] = [
    (
        "menu menus dishes dish food foods meals meal plates mains starters desserts mezze tapas"
        " antipasti pasta pizza pizzas soups salads sides brunch lunch dinner breakfast",
        Kind("menu", "Browse the menu", "dish", "dishes", "Browse", "menu", "🍽️"),
    ),
    (
        "drinks drink wines wine winelist cocktails beverages beers beer coffee coffees tea teas"
        " softdrinks spirits",
        Kind("drinks", "See the drinks list", "drink", "drinks", "Browse", "drinks", "🍷"),
    ),
    (
        "properties property listings listing homes home houses apartments flats rentals"
        " realestate realestatelisting residences singlefamilyresidence apartment house",
        Kind("homes", "Find a home", "home", "homes", "Search", "homes", "🏠"),
    ),
    (
        "rooms suites accommodation accommodations hotelroom",
        Kind("rooms", "Find a room", "room", "rooms", "Browse", "rooms", "🛏️"),
    ),
    (
        "projects project portfolio works work casestudies casestudy showcase cases",
        Kind("portfolio", "See the portfolio", "project", "projects", "See", "portfolio", "🎨"),
    ),
    (
        "posts post blog blogs blogpost blogposts articles article writing writings essays"
        " stories story blogposting",
        Kind("blog", "Read the blog", "post", "posts", "Read", "blog", "📰"),
    ),
    (
        "news updates announcements press newsarticle",
        Kind("news", "Read the news", "update", "updates", "Read", "news", "🗞️"),
    ),
    (
        "speakers speaker presenters keynotespeakers",
        Kind("speakers", "Meet the speakers", "speaker", "speakers", "Meet", "speakers", "🎤"),
    ),
    (
        "team staff people members chefs chef employees crew cast founders leadership instructors"
        " teachers doctors authors author person persons",
        Kind("team", "Meet the team", "team member", "team members", "Meet", "team", "👥"),
    ),
    (
        "agents agent brokers realtors advisors consultants realestateagent",
        Kind("agents", "Meet our agents", "agent", "agents", "Meet", "agents", "🔑"),
    ),
    (
        "schedule agenda programme program sessions session timetable lineup slots",
        Kind("schedule", "See the schedule", "session", "sessions", "See", "schedule", "🗓️"),
    ),
    (
        "events event calendar shows concerts gigs viewings openhouses meetups performances"
        " musicevent theaterevent festival festivals",
        Kind("events", "See upcoming events", "event", "events", "See", "events", "📅"),
    ),
    (
        "services service offerings treatments solutions",
        Kind("services", "Explore our services", "service", "services", "Explore", "services", "🛠️"),
    ),
    (
        "testimonials testimonial reviews review feedback quotes ratings",
        Kind("reviews", "Read reviews", "review", "reviews", "Read", "reviews", "💬"),
    ),
    (
        "faq faqs questions qa questionsandanswers",
        Kind("faq", "Read the FAQ", "question", "questions", "Read answers to", "faq", "❓"),
    ),
    (
        "products product shop store catalog catalogue merchandise merch goods",
        Kind("products", "Shop the products", "product", "products", "Browse", "products", "🛍️"),
    ),
    (
        "gallery galleries photos photo images pictures media photography",
        Kind("gallery", "See the gallery", "photo", "photos", "See", "gallery", "🖼️"),
    ),
    (
        "jobs careers vacancies openings hiring jobposting",
        Kind("jobs", "See open jobs", "job", "jobs", "See", "jobs", "💼"),
    ),
    (
        "experience experiences employment workhistory career",
        Kind("experience", "View the experience", "role", "roles", "Review", "experience", "📈"),
    ),
    (
        "education degrees schooling qualifications",
        Kind("education", "Explore education", "entry", "entries", "See", "education", "🎓"),
    ),
    (
        "courses programs programmes trainings modules",
        Kind("courses", "Browse the courses", "course", "courses", "Browse", "courses", "📚"),
    ),
    (
        "classes class lessons workshops sessionsoffered",
        Kind("classes", "Explore our classes", "class", "classes", "Explore", "classes", "🧘"),
    ),
    (
        "talks talk speaking presentations lectures keynotes webinars",
        Kind("talks", "Watch the talks", "talk", "talks", "See", "talks", "🎤"),
    ),
    (
        "publications papers books research",
        Kind(
            "publications",
            "Read the publications",
            "publication",
            "publications",
            "Browse",
            "publications",
            "📖",
        ),
    ),
    (
        "awards certifications certificates achievements honors honours prizes recognition",
        Kind("awards", "See the awards", "award", "awards", "See", "awards", "🏆"),
    ),
    (
        "sponsors sponsor exhibitors",
        Kind("sponsors", "Meet the sponsors", "sponsor", "sponsors", "See", "sponsors", "🤝"),
    ),
    (
        "clients partners customers",
        Kind("partners", "Meet our partners", "partner", "partners", "See", "partners", "🤝"),
    ),
    (
        "locations branches offices venues venue stores",
        Kind("locations", "Find a location", "location", "locations", "Find", "locations", "📍"),
    ),
    (
        "neighbourhoods neighborhoods areas districts regions communities suburbs",
        Kind(
            "areas",
            "Explore neighbourhoods",
            "neighbourhood",
            "neighbourhoods",
            "Explore",
            "neighbourhoods",
            "🗺️",
        ),
    ),
    (
        "destinations tours trips excursions",
        Kind(
            "destinations",
            "Discover destinations",
            "destination",
            "destinations",
            "Discover",
            "destinations",
            "✈️",
        ),
    ),
    (
        "skills skill expertise stack technologies tools competencies",
        Kind("skills", "See the skills", "skill", "skills", "See", "skills", "🧠"),
    ),
    (
        "pricing plans prices packages tiers memberships rates",
        Kind("plans", "Compare plans", "plan", "plans", "Compare", "plans", "💳"),
    ),
    (
        "hours openinghours openhours businesshours openinghoursspecification",
        Kind("hours", "Check opening hours", "day", "days", "See hours for", "hours", "🕒"),
    ),
    (
        "features amenities benefits highlights facilities",
        Kind("features", "See the features", "feature", "features", "See", "features", "✨"),
    ),
    (
        "specials offers deals promotions promos coupons",
        Kind("offers", "See special offers", "offer", "offers", "See", "offers", "🎁"),
    ),
    (
        "videos films reels youtube vimeo",
        Kind("videos", "Watch the videos", "video", "videos", "Watch", "videos", "🎬"),
    ),
    (
        "movies screenings showings nowshowing",
        Kind("films", "Browse the films", "film", "films", "Browse", "films", "🎞️"),
    ),
    (
        "podcasts episodes",
        Kind("podcast", "Listen to episodes", "episode", "episodes", "Listen to", "episodes", "🎧"),
    ),
    (
        "podcastshows",
        # A network's shows (each with its feed), not one show's episodes.
        Kind("shows", "Browse the podcasts", "podcast", "podcasts", "Browse", "podcasts", "🎙️"),
    ),
    (
        "tvepisodes",
        Kind("episodes", "Browse the episodes", "episode", "episodes", "Browse", "episodes", "📺"),
    ),
    (
        "recipes recipe",
        Kind("recipes", "Try the recipes", "recipe", "recipes", "Browse", "recipes", "🥘"),
    ),
    (
        "pets adoptables adoptablepets",
        Kind("pets", "Adopt a pet", "pet", "pets", "Meet", "pets", "🐾"),
    ),
    (
        "vehicles cars",
        Kind("vehicles", "Browse vehicles", "vehicle", "vehicles", "Browse", "vehicles", "🚗"),
    ),
    (
        "pages page webpage",
        Kind("pages", "Read the pages", "page", "pages", "Read", "pages", "📄"),
    ),
    (
        "links resources bookmarks downloads",
        Kind("links", "See useful links", "link", "links", "See", "links", "🔗"),
    ),
    (
        "documentation guides tutorials",
        Kind("guides", "Read the guides", "guide", "guides", "Read", "guides", "📘"),
    ),
]
_KIND_TABLE += [
    (
        "stays holidayrentals vacationrentals lodgings",
        Kind("stays", "Find a place to stay", "place to stay", "places to stay", "Find", "stays",
             "🏖️"),
    ),
    (
        "threads discussions submissions",
        Kind("discussions", "Read the posts", "post", "posts", "Read", "posts", "💭"),
    ),
    (
        "questions",
        Kind("questions", "Browse the questions", "question", "questions", "Browse", "questions",
             "🙋"),
    ),
    (
        "places businesses venues spots",
        Kind("places", "Find a place", "place", "places", "Find", "places", "🏪"),
    ),
    (
        "books novels titles",
        Kind("books", "Browse the books", "book", "books", "Browse", "books", "📚"),
    ),
    (
        "tracks songs",
        Kind("tracks", "Listen to the tracks", "track", "tracks", "Listen to", "tracks", "🎵"),
    ),
    (
        "repositories repos",
        Kind("repositories", "Browse the projects", "project", "projects", "Browse", "projects",
             "📦"),
    ),
    (
        "campgrounds campsites campground campsite",
        Kind("campgrounds", "Find a campground", "campground", "campgrounds", "Find",
             "campgrounds", "⛺"),
    ),
    (
        "chargers chargingstations chargingpoints chargepoints evchargers",
        Kind("chargers", "Find a charging point", "charging point", "charging points", "Find",
             "chargers", "🔌"),
    ),
    (
        "routes trails rides hikes walks tracksandtrails",
        Kind("routes", "Explore the routes", "route", "routes", "Explore", "routes", "🧭"),
    ),
    (
        "species taxa wildlife",
        Kind("species", "Browse the species", "species", "species", "Browse", "species", "🌿"),
    ),
    (
        "fundraisers",  # a mailing tool's "campaigns" are newsletters: fields decide
        Kind("campaigns", "Support a campaign", "campaign", "campaigns", "Support",
             "campaigns", "💝"),
    ),
    (
        "animals",
        Kind("animals", "Meet the animals", "animal", "animals", "Meet", "animals", "🦁"),
    ),
    (
        "",  # known by its fields only: "rentals" are more often homes to let
        Kind("hire", "Book a rental", "rental", "rentals", "Book", "rentals", "🗝️"),
    ),
    (
        "",  # known by its fields only: a record typed "dataset" is many platforms' file
        Kind("datasets", "Browse the datasets", "dataset", "datasets", "Browse", "datasets",
             "🗂️"),
    ),
    (
        "helparticles helpcenter knowledgebase kb supportarticles",
        Kind("help", "Find help articles", "article", "articles", "Read", "help", "🛟"),
    ),
]  # fmt: skip
KINDS: dict[str, Kind] = {name: kind for names, kind in _KIND_TABLE for name in names.split()}
# Names many kinds of records go by (a marketplace's listings are not homes): a kind they
# name is kept only when the records' fields name none (see name.kind_of).
AMBIGUOUS_NAMES = word_set(
    "listings listing rentals rental guides articles article episodes show shows resources animals"
)
# Words that qualify a collection's records ("pastEvents", "top_albums"): kept in its title.
QUALIFIERS = word_set("past previous upcoming future latest recent top popular")
# What a thing for hire is called by ("bike_rentals", "van_hire": "Rent a bike").
RENTAL_WORDS = word_set("rentals rental hire hires")
KIND_BY_NAME: dict[str, Kind] = {kind.name: kind for _, kind in _KIND_TABLE}

# What records are, from the fields they carry, for collections their names do not tell:
# rows in order of precedence, the first that holds wins. A row holds when, for each of
# its groups, the records' keys hold one of the group's terms: "=key" a key of that name
# (normalised), "~word" a key containing the word (API link keys such as ``comments_url``
# aside), "@word" the same among keys that are not bookkeeping dates; and none of its
# "unless" terms.
KIND_EVIDENCE: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("stays", ("=minnights =minimumnights =maxnights =checkintime =checkintimestart "
               "=averagenightlyprice =pricepernight =nightlyprice =personcapacity =maxguests "
               "=accommodates",),
     ("=durationminutes =durationmins =durationhours",)),  # a tasting for eight is no stay
    # Animals told by breed, species or sex, and a shelter's adoption: pets to adopt (a
    # breeder's horses for sale are none).
    ("pets", ("=breed =breeds =primarybreed", "=species =sex =gender",
              "=adoptionfee =adoptionstatus =adoptable =organizationid =organizationanimalid "
              "=shelterid =intakedate"), ()),
    # An offering booked through a scheduling link for a length of time, with no date of its
    # own (Calendly's event types; a jazz night with a booking link stays an event).
    ("services", ("=schedulingurl =bookingurl =bookingmethod =bookinglink =bookingpageurl "
                  "=minimumbookingnotice =bookingfields",
                  "=duration =durationminutes =durationoptions =length =lengthinminutes =price"),
     ("=startdate =startsat =starttime =date =datetime =venue",)),
    # A fundraiser: a goal and what was raised towards it (Donorbox, GoFundMe, JustGiving).
    ("campaigns", ("=goalamt =goalamount =goal =fundraisinggoal =targetamount",
                   "=totalraised =amountraised =raised =raisedamount =donationscount "
                   "=donorscount =donorcount"), ()),
    # A thing hired for a length of time the booking system bounds (Planyo's boats).
    ("hire", ("=minrentaltime =maxrentaltime =minrentalperiod =maxrentalperiod =rentalperiod "
              "=minimumrentalperiod =minhireperiod =hireperiod",), ()),
    # A car by its identity number, or by an odometer beside a make or a fuel: no home,
    # whatever it costs (a walk's mileage is none).
    ("vehicles", ("=vin =vehicleidentificationnumber",), ()),
    ("vehicles", ("=mileage =odometer =odometerreading",
                  "=make =model =fueltype =transmission =drivetrain =bodystyle =bodytype"), ()),
    ("homes", ("=bedrooms =beds =bathrooms =baths =sqft =numberofbedrooms =floorsize =areasqm "
               "=numberofrooms =lotsize =bedroomstotal =bathroomstotalinteger =livingarea",),
     ()),  # a list price alone is any shop's (Odoo's list_price): no home
    ("schedule", ("=speakers =speakerids =roomid =room =track",
                  "=startsat =startdate =starttime =start =time"), ()),
    ("events", ("=startdate =startsat =startat =eventdate =doorsopen =datetimestart",), ()),
    # A start under another platform's name (pretix's "date_from", Odoo's "date_begin",
    # Mobilizon's "beginsOn", Teamup's "start_dt") at a place: a promotion's "date_from"
    # is no event.
    ("events", ("=datefrom =datebegin =beginson =beginsat =startdt =startdatetime",
                "=location =venue =place =address =physicaladdress =geolat =latitude"), ()),
    # Dated instances or performances of one record (a box office's run of a show).
    ("events", ("~instancedate ~occurrencedate ~performancedate ~showtime",), ()),
    ("events", ("=date =time", "=venue =location =tickets =ticketurl"), ()),
    ("videos", ("=videoid =videourl =embedurl =embedhtml =youtubeid =vimeoid =embedpath",), ()),
    ("episodes", ("=airdate =airstamp =airtime =firstaired =airdateutc",
                  "=season =seasonnumber =episodenumber =number"), ()),
    ("podcast", ("=enclosure =enclosureurl =audiourl =mp3url =itunesduration =audiolength "
                 "=audioduration",), ()),
    # A feed with a podcast directory's fields: a show (a blogroll's feeds are none).
    ("shows", ("=feedurl =rssfeedurl",
               "=applepodcasts =itunesid =podcastguid =explicit =episodecount =spotify"), ()),
    ("jobs", ("=requisitionid =employmenttype =jobtype =applyurl =applicationurl =salary "
              "=salaryrange =seniority =jobfunction",), ()),
    ("books", ("=isbn =isbn13 =isbn10 =industryidentifiers =pagecount =numberofpages",), ()),
    ("tracks", ("=durationms =isrc =tracknumber =discnumber",), ()),
    ("repositories", ("=stargazerscount =forkscount =defaultbranch =cloneurl =pullcount "
                      "=starcount",), ()),
    ("publications", ("=doi =issn =containertitle =isreferencedbycount =referencescount "
                      "=citationcount",), ()),
    ("courses", ("=numlectures =numsubscribers =instructionallevel =visibleinstructors "
                 "=curriculum =lecturecount =enrollmentcount",), ()),
    ("campgrounds", ("=campsites =totalsites =numberofsites =campsitecount",), ()),
    ("chargers", ("=numberofpoints =evconnectortypes =evnetwork =connectortypes =chargertype "
                  "=maxpowerkw =powerkw",), ()),
    ("routes", ("=summarypolyline =polyline =gpx =gpxurl =elevationgain =totalelevationgain "
                "=elevationgainm =totalascent",
                "=distance =length =distancekm =distancemiles =lengthkm =polyline =gpx"), ()),
    ("species", ("=scientificname =preferredcommonname =vernacularname =canonicalname",
                 "=rank =taxonrank =kingdom =genus =ancestry =iconictaxonname"), ()),
    # A zoo's or a sanctuary's animals: a species' name beside what they eat, where they
    # live, how threatened they are.
    ("animals", ("=scientificname =species =latinname",
                 "=diet =habitat =conservationstatus =enclosure"), ()),
    ("help", ("=sectionid =folderid =collectionid",
              "=votesum =votecount =thumbsup =thumbsdown =helpfulcount =outdated"), ()),
    ("faq", ("=question", "=answer =acceptedanswer"), ()),
    # An open-data portal's datasets: files to download under a licence (CKAN, DCAT).
    ("datasets", ("=numresources =distribution =distributions",
                  "=licenseid =license =licensetitle =licenseurl"),
     ("=price =offers",)),  # a priced download is a product
    # A film's rating is a certificate ("12A") and its content advice no review's text.
    ("films", ("=synopsis =trailerurl =filmtrailerurl =trailer =filmposterurl",
               "=openingdate =releasedate =runtime =duration =certificate =genre"), ()),
    ("reviews", ("=rating =stars =reviewrating",
                 "=quote =text =review =reviewbody =comment =body =content"), ()),
    ("discussions", ("=subreddit =numcomments =repliescount =reblogscount =upvotes "
                     "=replycount =postscount =lastpostedat",), ()),
    ("questions", ("=isanswered =answercount =acceptedanswerid",), ()),
    ("places", ("=reviewcount =userratingcount", "=coordinates =latitude =lat =geo"), ()),
    ("plans", ("=recurring =billingscheme =billinginterval =intervalcount =trialperioddays",),
     ()),
    ("products", ("=variants =variations =sku =producttype =vendor =compareatprice =instock =brand",
                  "=price =variants =variations =offers =pricemin"), ()),
    ("menu", ("=dietary =allergens =vegetarian =vegan =spicy =glutenfree =veg =calories",), ()),
    ("team", ("=fullname =jobtitle =role =position =tagline",
              "=bio =photo =avatar =profilepicture =headshot =image =biography"), ()),
    ("services", ("~duration", "~price"), ("=variants =sku =startdate =startsat =date",)),
    ("portfolio", ("=client", "=year =category =services =role =cover =summary"), ()),
    ("blog", ("=title =headline =name", "~content ~body ~html ~excerpt ~markdown ~encoded",
              "@date @published @posted @publishon =createdat =readingtime"),
     # a thing with a price is no post (a "price_range" of "$$" is a review's)
     ("=price =offers =currency =pricecurrency =ticketprice =prices =unitprice",)),
    ("recipes", ("=ingredients =recipeingredient =instructions =recipeinstructions",), ()),
    # Priced under any of the names shops give a price (QuickBooks' "UnitPrice", Odoo's
    # "list_price", Lightspeed's and Paddle's "prices").
    ("products", ("=price =offers =prices =unitprice =listprice =saleprice =retailprice "
                  "=regularprice =askingprice =calculatedprice",), ()),
)  # fmt: skip

# Intents that are not collections.
CONTACT = Kind("contact", "Contact us", "detail", "details", "See", "contact", "📞")
ABOUT = Kind("about", "About us", "section", "sections", "Read", "about", "ℹ️")
GENERIC = Kind("items", "Browse all items", "item", "items", "Explore", "items", "📂")
SECTION = Kind("section", "Read more", "section", "sections", "Read", "section", "📄")

# Words that say nothing about what a collection holds ("menu.items" is a menu).
GENERIC_WORDS = word_set(
    "items item list lists entries entry data all featured latest our my the collection "
    "records content contents nodes edges results result top main recent upcoming "
    "groups group elements values rows blocks block section sections array objects children "
    "cards card grid selected new current past index documents hits element value values "
    "results docs nodes edges entities"
)


_LIST_WORDS = frozenset({"listing", "listings"})


def kind_for(name: str, parent: str = "") -> Kind | None:
    """Map a collection name (or, for a generic name, its parent's) to a known kind."""
    norm = normal_key(name)
    if norm in KINDS:
        return KINDS[norm]
    # English compounds put the head noun last: "blogPosts", "featured_dishes_section";
    # "listing" after a noun lists that noun (Pimcore's "getCourseListing", "job_listings").
    tokens = words(name)
    for index, token in enumerate(reversed(tokens)):
        if token in GENERIC_WORDS or (token in _LIST_WORDS and index < len(tokens) - 1):
            continue
        if token in KINDS:
            return KINDS[token]
        if plural(token) in KINDS:  # type names are singular: "class", "teacher"
            return KINDS[plural(token)]
    if parent and is_generic(name):
        return kind_for(parent)
    return None


def is_generic(name: str) -> bool:
    """Tell whether a name is made only of words like items/list/data/section."""
    tokens = words(name)
    return not tokens or all(token in GENERIC_WORDS for token in tokens)


# --------------------------------------------------------------------------
# Containers: what whole objects are about

# Site-wide objects: they feed the hero, the name and the theme, never an intent.
SITE_NAMES = word_set(
    "site website settings config configuration meta metadata general info business "
    "company agency organization organisation brand restaurant person profile owner "
    "identity seo hero header banner home homepage landing footer navbar nav localbusiness "
    "store event conference summit festival studio channel feed publication organisation "
    "websitesettings shop blog"
)
# Words of a key holding the site's own settings, even as a collection of one
# (ButterCMS "site_settings": [{…}]); "organization" there may be another's.
SETTINGS_NAMES = word_set("site website settings config configuration general global globals")
_SETTINGS_FILLERS = word_set("data info details options")


def settings_key(key: str) -> bool:
    """A key made only of settings words ("site_settings", "config"; not "site_tours")."""
    held = set(words(key))
    return bool(held & SETTINGS_NAMES) and held <= SETTINGS_NAMES | _SETTINGS_FILLERS


HERO_NAMES = word_set("hero header banner home homepage landing masthead jumbotron intro splash")
# Objects whose content is presentation or plumbing, not something to visit.
HIDDEN_NAMES = word_set(
    "theme themes colors colours color colour palette palettes branding style styles design "
    "tokens appearance scheme css seo analytics tracking scripts i18n translations locale "
    "redirects schema layout layouts templates navigation navbar menus breadcrumbs "
    "sitemap og opengraph twitter twittercard favicon icons links sys metadata meta "
    "pagination includes errors options variants selectoptions addresscomponents types "
    "viewport pluscode geometry geo periods weekdaydescriptions accessibilityoptions "
    "paymentoptions parkingoptions collection sortings availablesortings"
)
COLOR_CONTAINERS = word_set(
    "theme themes colors colours color colour palette palettes brand branding style styles "
    "design tokens appearance scheme"
)
# Platform bookkeeping: collections of a CMS's own tables, never a visitor's destination.
PLATFORM_COLLECTIONS = word_set(
    "contenttypes contenttype editorinterfaces editorinterface locales roles webhooks "
    "webhook tags tag apikeys apikey environments spacemembers extensions appinstallations "
    "migrations settings permissions policies users user poststags postsauthors postsmeta "
    "tagsposts productsimages actions integrations invites labels newsletters snippets "
    "customthemesettings mobiledocrevisions postrevisions emails members "
    "membersstatusevents tokens selectoptions options fieldoptions translations revisions "
    "assets asset uploads files folders categories"
)

CONTACT_CONTAINERS = word_set(
    "contact contacts contactinfo contactdetails contactus getintouch reachus footer"
)
ABOUT_KEYS = word_set(
    "about aboutus aboutme bio biography story ourstory mystory mission missionstatement "
    "vision history philosophy whoweare editorialsummary sitedescription"
)
PAGE_HOME = frozenset({"", "/", "home", "index", "homepage", "start"})

# Page-builder blocks (SleekCMS `_block`, Strapi dynamic zones, `type` of sections).
BLOCK_TYPE_KEYS = (
    "_block",
    "__component",
    "component",
    "slice_type",
    "blockType",
    "_modelApiKey",
    "_type",
    "__typename",
    "type",
    "kind",
)
BLOCK_LISTS = word_set(
    "sitesections sections blocks components content body modules slices zones rows widgets"
)
# Page lists whose entries hold blocks.
PAGE_LISTS = word_set("pages page sitepages routes")


# Keys a platform keeps beside a record's content (Airtable ``fields``, Webflow
# ``fieldData``, Storyblok ``content``...): ids, types, dates, links, flags.
SYSTEM_WORDS = word_set(
    "id uuid uid type object slug fullslug href url link links self name created updated "
    "modified published publication archived draft isdraft isarchived intrash lang locale "
    "position parent parentid groupid sort tag tags taglist alternate languages meta time "
    "cmslocaleid createdtime createdon lastupdated lastpublished releaseid cover icon "
    "relationships component isstartpage firstpublishedat publishedat createdat updatedat "
    "lasteditedtime lasteditedby createdby publicurl sortbydate translatedslugs "
    "defaultfullslug path firstpublicationdate lastpublicationdate alternatelanguages "
    "linkeddocuments slugs createddate lastupdatedby modelid firstpublished rev"
)

# --------------------------------------------------------------------------
# Roles of the fields of one record

TITLE_KEYS = (
    # A common name beside a scientific one is the one a person reads (iNaturalist, GBIF).
    "preferredcommonname",
    "commonname",
    "vernacularname",
    "name",
    "title",
    "headline",
    "heading",
    "label",
    "question",
    "subject",
    "displayname",
    "fullname",
    "caption",
)
WEAK_TITLE_KEYS = (
    "author",
    "authorname",
    "authorattribution",
    "reviewer",
    "username",
    "day",
    "dayofweek",
    "category",
    "role",
    "degree",
)
SUBTITLE_KEYS = (
    "subtitle",
    "tagline",
    "subheading",
    "subheadline",
    "strapline",
    "role",
    "jobtitle",
    "position",
    "company",
    "organization",
)
DESCRIPTION_KEYS = (
    "excerpt",
    "customexcerpt",
    "description",
    "summary",
    "shortdescription",
    "teaser",
    "intro",
    "abstract",
    "synopsis",
    "overview",
    "logline",
    "blurb",
    "lead",
    "answer",
    "quote",
    "text",
    "bio",
    "metadescription",
)
BODY_KEYS = (
    "body",
    "encoded",
    "bodyhtml",
    "content",
    "html",
    "contenthtml",
    "richtext",
    "longdescription",
    "details",
    "article",
    "articlebody",
    "post",
    "markdown",
    "plaintext",
    "answer",
    "text",
    "description",
    "bio",
    "about",
    "notes",
    "quote",
    "review",
    "reviewbody",
)
IMAGE_WORDS = word_set(
    "image images img imgs photo photos picture pictures pic thumbnail thumbnails thumb cover "
    "artwork "
    "avatar logo banner poster gallery hero featuredmedia featured headshot portrait media "
    "profilepicture sourceurl"
)
IMAGE_URL_KEYS = (
    "url",
    "mediaurl",
    "filename",
    "asseturl",
    "src",
    "sourceurl",
    "secureurl",
    "href",
    "original",
    "large",
    "full",
    "raw",
    "file",
    "contenturl",
    "link",
    "source",
    "download",  # Plone's image: {"download": url, "content-type": "image/jpeg", "scales"}
)
PRICE_WORDS = word_set("price prices pricing cost costs rent fee fees amount rate tuition fare")
PRICE_KEYS = word_set(
    "price prices cost rent fee amount pricevalue saleprice listprice askingprice "
    "regularprice pricemin offers offer lowprice pricerange minprice baseprice "
    "ticketavailability pricefrom startingprice"
)
CURRENCY_KEYS = word_set("currency currencycode pricecurrency curr iso4217")
# The period a price is paid for, in the words sources use (keys, values, suffixes such as
# idealista's "€/mes"), to the word shown after the price ("$2,100/month").
PERIODS = {
    word: period
    for period, names in (
        ("month", "month months monthly mo pcm mes mensual mois mensuel monat monatlich"),
        ("night", "night nights nightly noche nuit nacht"),
        ("week", "week weeks weekly pw semana semaine woche"),
        ("year", "year years yearly annual annually pa año jahr"),
        ("day", "day days daily"),
        ("hour", "hour hours hourly hr"),
        ("person", "person pp guest head"),
    )
    for word in word_set(names)
}
# Fields that say what a price is paid per (their values are period words).
PERIOD_KEYS = word_set(
    "period per interval billingperiod billinginterval rentperiod priceperiod "
    "pricefrequency priceunit paymentfrequency billingfrequency leaseterm unitcode periodunit"
)
# A listing's status or operation that makes its price a rent (a month, unless it says).
RENT_WORDS = word_set("rent rental rentals lease letting alquiler miete")
# Fields that make a stay priced by the night (a holiday rental's minimum nights).
STAY_KEYS = word_set(
    "minnights minimumnights maxnights maximumnights checkintime checkintimestart "
    "checkouttime minimumstay minstay"
)
# Fields holding a listing's status or operation (for sale, for rent).
OFFER_STATUS_KEYS = word_set(
    "status operation listingtype offertype transactiontype saletype tenure purpose type"
)
# Where a source documents its prices in minor units (Shopify's AJAX product .js).
DATE_KEYS = word_set(
    "date startdate startsat start starttime startat enddate endsat end endtime endat "
    "publishdate publishedat published pubdate datepublished dateposted posted when "
    "eventdate listedat listed listingdate year dateline publishon firstpublicationdate"
)
BOOKKEEPING_DATE_WORDS = word_set(
    "created updated modified createdat updatedat modifiedat datecreated dateupdated "
    "datemodified lastmodified lastupdated revision revisedat deletedat syncedat "
    "importedat indexedat firstpublishedat addedon updatedon changed revisiontimestamp "
    "insertedon insertedat inserted "
    "lastcommenttimestamp createdtime lastpublished createdon lasteditedtime "
    "modificationtimestamp lastpublicationdate originalentrytimestamp statuschangetimestamp "
    "pricechangetimestamp photoschangetimestamp datemodifiedgmt datecreatedgmt "
    "lastactivitydate lastactivityat writedate lastseenat lastseenatdate firstseenat "
    "firstseenatdate creationdt updatedt publishup publishdown"
)
ADDRESS_KEYS = word_set(
    "address streetaddress postaladdress officeaddress location addressline line1 street "
    "unparsedaddress formattedaddress fulladdress"
)
PHONE_KEYS = word_set("phone phonenumber telephone tel mobile cell whatsapp fax")
EMAIL_KEYS = word_set("email emailaddress mail")
URL_KEYS = word_set(
    "url website homepage link permalink href web reservationurl bookingurl ticketurl "
    "reservationsurl tickets booking mapurl"
)
SOCIAL_KEYS = word_set(
    "social socials sociallinks socialmedia socialprofiles twitter instagram facebook "
    "linkedin github youtube tiktok pinterest mastodon dribbble behance sameas "
    "socialaccounts socialprofiles"
)
HOURS_KEYS = word_set(
    "hours openinghours openhours businesshours officehours openinghoursspecification "
    "schedule times"
)
RATING_KEYS = word_set("rating stars score ratingvalue aggregaterating averagerating")
BADGE_KEYS = word_set(
    "category categories tags tag type producttype cuisine style course section kind genre "
    "dietary diet suitablefordiet vegetarian vegan glutenfree spicy veg labels "
    "status availability level topic topics department city neighbourhood neighborhood "
    "format track primarytag vendor brand seniority collection collections keywords"
)
# Facts a person compares on a card, with the unit word used after the number.
FACT_UNITS: dict[str, tuple[str, str]] = {}
for _names, _unit in (
    ("bedrooms beds numberofbedrooms bedroom bed bedroomstotal", "bed"),
    (
        "bathrooms baths numberofbathroomstotal bathroom bath numberofbathrooms "
        "bathroomstotalinteger bathroomstotal bathroomsfull",
        "bath",
    ),
    ("numberofrooms rooms", "room"),
    ("sqft squarefeet areasqft sizesqft livingarea buildingareatotal", "sq ft"),
    ("sqm areasqm squaremetres squaremeters sizesqm", "m²"),
    ("guests capacity maxguests sleeps seats", "guest"),
    ("duration durationminutes minutes", "min"),
    ("servings serves yield recipeyield", "serving"),
    ("readingtime", "min read"),
):
    for _name in _names.split():
        FACT_UNITS[_name] = (_name, _unit)
FACT_KEYS = word_set(
    "area floorsize size lotsize yearbuilt venue room location time starttime endtime "
    "duration level year client event company school degree author by speaker speakers "
    "organizer performer cuisine pricerange servescuisine preptime cooktime totaltime "
    "difficulty mileage fuel transmission brand vendor allergens creator authors "
    "performers organizer host venuename locationname placename breed breeds primarybreed "
    "age"
)

# Keys that are never shown to a visitor: ids, references, hashes, internals.
HIDDEN_KEYS = word_set(
    "rrule exdate rdate recurrenceid ristartdt rsstartdt ipaddress "
    "etag nextpagetoken nextsynctoken pagetoken cursor icaluid sequence "
    "catalogvisibility downloadlimit downloadexpiry downloads downloadable virtual taxstatus "
    "taxclass backorders backordersallowed backordered totalsales pricehtml purchasable "
    "shippingrequired shippingtaxable shippingclass shippingclassid soldindividually "
    "reviewsallowed managestock lowstockamount stockquantity metadata hasoptions "
    "postpassword globaluniqueid dateonsalefrom dateonsaleto dateonsalefromgmt "
    "dateonsaletogmt relatedids upsellids crosssellids groupedproducts permalinktemplate "
    "generatedslug shareable txtimelimit privacysetting inventorytype "
    "resourceuri hidestartdate hideenddate isseries isseriesparent showremaining "
    "isexternallyticketed isreservedseating islocked showpickasseatmap showseatmapthumbnail "
    "showcolorsinseatmapthumbnail ispasswordprotected iscardvisible organizationid "
    "organizerid venueid categoryid subcategoryid formatid drupalinternalnid "
    "drupalinternalvid drupalinternalfid drupalinternaltid drupalinternaluid langcode "
    "defaultlangcode promote revisionlog revisiontranslationaffected contenttranslationsource "
    "contenttranslationoutdated recordtype workflowstate systemdatavariants systemdataid "
    "systemdatasourcetype systemdataorigin colordata likecount originalsize mediafocalpoint "
    "publiccommentcount commentstate starred passthrough recordtypelabel structuredcontent "
    "lang alternatelanguages linkeddocuments slugs component isstartpage groupid "
    "releaseid sortbydate translatedslugs defaultfullslug fullslug taglist slug lock "
    "sluglock status_ cmslocaleid isdraft isarchived object createdby lasteditedby icon "
    "commentcount lastcommentuid lastcommentname lastcommenttimestamp cid ratingcount "
    "userratingcount reviewcount relatedids source slicetype slicelabel variation linktype "
    "publicurl intrash mlsstatus originatingsystemname originatingsystemkey listingkey "
    "listingid sourcesystemkey listoffice listofficekey listagentkey listagentmlsid "
    "id _id uuid guid ref _ref _key _rev _type _createdat _updatedat sys slug handle hash "
    "createdat updatedat created updated modified modifiedgmt dategmt createdgmt "
    "updatedgmt datecreated dateupdated datemodified lastmodified publishedversion "
    "version revision sort sortorder order position index menuorder template format meta "
    "links _links embedded _embedded commentstatus pingstatus sticky guid permalink path "
    "_path _slug _meta parent usercreated userupdated createdby updatedby locale "
    "contenttype type__ typename __typename context id_ objectid mobiledoc lexical "
    "commentid uuid canonicalurl codeinjectionhead codeinjectionfoot ogimage "
    "ogtitle ogdescription twitterimage twittertitle twitterdescription metatitle "
    "metadescription plaintext pricemin emailsubject frontmatter visibility featured newsletterid "
    "showtitleandfeatureimage emailrecipientfilter emailsegment emailonly authorid "
    "featuredmedia author_ classlist cssclass classname anchor htmlid componentid "
    "requiresshipping taxable grams inventoryquantity inventorymanagement "
    "inventorypolicy fulfillmentservice barcode weightunit weight productid variantids "
    "variantid imageid adminapigid adminapiid graphqlapiid available pricevaries "
    "variants options1 option1 option2 option3 compareatprice compareatpricemin "
    "compareatpricemax compareatpricevaries pricemax quantityruleminimum "
    "quantityrulemaximum quantityruleincrement sellingplangroups sellingplanallocations "
    "requiressellingplan mediatype previewimage aspectratio alt width height "
    "eventattendancemode itemcondition priceeventstatus "
    "listid questionanswers isservicesession isplenumsession isinformed isconfirmed liveurl "
    "recordingurl istopspeaker userid statusid locales localizations "
)
# Kinds whose records are dated by publication (posts) or happen on a date (events);
# elsewhere a publication date is bookkeeping.
DATED_KINDS = word_set(
    "blog news events schedule talks podcast videos publications jobs experience education "
    "awards courses homes reviews classes books films tracks discussions questions episodes "
    "services"
)
# Hosts where records live on a platform rather than on the site (an Eventbrite event, a
# Notion page): their links are no site's address, and editor links are not shown.
PLATFORM_HOSTS = (
    "eventbrite.", "notion.so", "notion.site", "airtable.com", "meetup.com", "ticketmaster.",
    "facebook.com", "google.com", "instagram.com",
)  # fmt: skip


def is_platform_link(url: str) -> bool:
    """Tell whether a URL points into a platform rather than at the site itself."""
    from urllib.parse import urlsplit

    host = urlsplit(url).hostname or ""
    return any(host == name.rstrip(".") or name in host for name in PLATFORM_HOSTS)


# Path segments of a platform's editor ("…/admin/events/…", "/wp-admin/post.php").
EDITOR_SEGMENTS = frozenset({"admin", "wp-admin", "administrator", "editor", "dashboard"})

DRAFT_STATUS = word_set(
    "draft drafts unpublished private trash trashed archived future hidden inactive deleted"
)
# Boolean flags whose false means "not public".
PUBLISHED_FLAGS = word_set("published ispublished public visible active enabled live")
HIDDEN_FLAGS = word_set(
    "draft isdraft hidden ishidden deleted isdeleted archived isarchived unpublished intrash "
    "trashed private isprivate"
)


# Words of fields a property manager or a shop keeps for itself (Hostaway's
# doorSecurityCode, wifiPassword, internalListingName, invoicingContactEmail).
SECRET_WORDS = word_set(
    "password passwords passcode passwd secret secrets token tokens apikey ssid invoicing lockbox"
)
_LOCK_WORDS = word_set("door security access gate alarm entry lock key")
# What is kept back only with these details: a wifi's name, an internal note, a billing
# contact; "wifi": true, "wifi_speed", "internal_area" and "billing_period" are for guests.
_KEPT_BACK = word_set("wifi internal billing invoice")
_KEPT_DETAILS = word_set(
    "name username user network login note notes comment comments reference code contact "
    "email address scheme account details"
)
_LINK_WORDS = word_set("url link href uri path")


def _kept_back(held: set[str]) -> bool:
    """Tell whether a field's words name something an owner keeps for itself."""
    return bool(
        held & SECRET_WORDS
        or ("code" in held and held & _LOCK_WORDS)
        or (held & _KEPT_BACK and held & _KEPT_DETAILS)
    )


# What is done to a record in its CMS or by a crawler, and the words that say when.
_RECORD_EDITS = word_set(
    "create created update updated modify modified edit edited change changed insert inserted "
    "sync synced "
    "index indexed import imported scraped crawled fetched cached retrieved refreshed "
    "deletion delete deleted"
)  # never "seen" (a bird's sighting), "written" (a letter) or "creation" (an artwork)
_WHEN_WORDS = word_set("date time at on timestamp datetime stamp dt")


def is_hidden_key(key: str) -> bool:
    """Tell whether a field is bookkeeping a visitor never needs (ids, refs, timestamps...)."""
    if key.startswith(("_", "$", "@")):
        return True
    norm = normal_key(key)
    if norm in HIDDEN_KEYS or norm in BOOKKEEPING_DATE_WORDS:
        return True
    parts = words(key)
    if not parts:
        return True
    if len(parts) <= 4 and parts[-1] in _WHEN_WORDS and _RECORD_EDITS.intersection(parts[:-1]):
        return True  # when the record was edited or crawled ("createDate", "last_seen_at_date")
    if parts[-1] in ("id", "ids", "uuid", "guid", "ref", "refs", "hash", "gmt", "key", "slug"):
        return True
    if ("admin" in parts and parts[-1] in _LINK_WORDS) or parts[-1] == "edit":
        return True  # the owner's editor, never a visitor's ("admin_url"; an admin fee is)
    if _kept_back(set(parts)):
        return True  # a door code, a wifi password, an internal name: the owner's only
    if "polyline" in parts or parts[-2:] in (["id", "str"], ["id", "string"]):
        return True  # a map's encoding; an id written as text ("id_str")
    if parts[-1] in ("color", "colour", "colors", "colours") or norm.endswith("hex"):
        return True
    return parts[0] in ("og", "twitter", "seo", "meta") and len(parts) > 1


# Fields that name the business behind a site, in the order a site's name is looked for
# (site.py's name keys; a contact page's company, build.py).
BUSINESS_NAME_KEYS = (
    "businessname", "companyname", "brandname", "organisationname", "organizationname",
    "storename", "shopname", "tradingname",
)  # fmt: skip
# Fields by which every record of a collection names its owner ("company_name",
# "channelTitle", "owner": {"login"}, "subreddit"): one shared value names the site.
OWNER_WORDS = word_set(
    "channel owner seller shop store company organization organisation organizer organiser "
    "publisher brand subreddit business agency employer merchant group calendar dealer "
    "dealership retailer operator profile supplier provider"
)
# Words that name an owner only as an object with a name and an address or phone
# ("Location": {"Name": "Saltmarsh Yoga", "Address"}): alone they are a place or a handle.
OWNER_OBJECT_WORDS = word_set("location venue")
# Keys whose plain text alone is the owner's name ("subreddit": "CascadiaTrails").
OWNER_PLAIN_KEYS = word_set(
    "company organization organisation subreddit channel business publisher seller employer"
)
# The member of an owner object that names it.
OWNER_NAME_MEMBERS = (
    "name", "Name", "title", "displayName", "display_name", "login", "username"
)  # fmt: skip


def typed_as_site(node: dict) -> bool:
    """An object whose declared type is a web site (Plone's parent: {"@type": "Plone Site"});
    a "Heritage Site" or an "ArchaeologicalSite" is a place, not the site."""
    declared = node.get("@type", node.get("type"))
    return isinstance(declared, str) and "".join(words(declared[:40])) in _SITE_TYPES


_SITE_TYPES = frozenset({"site", "plonesite", "website", "websitesettings"})
