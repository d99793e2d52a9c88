package dev.pangate.engine.demo;

import java.text.Normalizer;
import java.util.List;
import java.util.Locale;

/**
 * The words the demo data is made of. Some carry accents and apostrophes on purpose, so that
 * string functions, LIKE and COPY escaping meet them.
 */
final class DemoVocabulary {

  private DemoVocabulary() {}

  /** A country with the facts the generator derives from it. */
  record Country(
      String code,
      String region,
      String currency,
      String callingCode,
      List<String> cities,
      String postalPattern,
      List<String> streets,
      boolean numberFirst) {}

  static final List<Country> COUNTRIES = List.of(
      new Country("DE", "EU", "EUR", "49", List.of("Berlin", "München", "Hamburg"), "99999",
          List.of("Lindenstraße", "Hauptstraße", "Gartenweg"), false),
      new Country("FR", "EU", "EUR", "33", List.of("Paris", "Lyon", "Marseille"), "99999",
          List.of("rue de la Paix", "avenue Victor Hugo", "rue du Moulin"), true),
      new Country("NL", "EU", "EUR", "31", List.of("Amsterdam", "Rotterdam", "Utrecht"), "9999 AA",
          List.of("Keizersgracht", "Dorpsstraat", "Molenweg"), false),
      new Country("ES", "EU", "EUR", "34", List.of("Madrid", "Barcelona", "Valencia"), "99999",
          List.of("Calle Mayor", "Gran Vía", "Calle del Sol"), false),
      new Country("IT", "EU", "EUR", "39", List.of("Roma", "Milano", "Torino"), "99999",
          List.of("Via Roma", "Via Garibaldi", "Corso Italia"), false),
      new Country("IE", "EU", "EUR", "353", List.of("Dublin", "Cork", "Galway"), "A99 A9A9",
          List.of("Main Street", "Church Road", "Harbour View"), true),
      new Country("US", "NA", "USD", "1", List.of("New York", "Chicago", "Austin", "Seattle"),
          "99999", List.of("Main Street", "Oak Avenue", "Maple Drive"), true),
      new Country("CA", "NA", "CAD", "1", List.of("Toronto", "Vancouver", "Montréal"), "A9A 9A9",
          List.of("King Street", "Rue Sainte-Catherine", "Granville Street"), true),
      new Country("JP", "APAC", "JPY", "81", List.of("Tokyo", "Osaka", "Kyoto"), "999-9999",
          List.of("Chuo-dori", "Sakura-dori", "Meiji-dori"), true),
      new Country("AU", "APAC", "AUD", "61", List.of("Sydney", "Melbourne", "Brisbane"), "9999",
          List.of("George Street", "Collins Street", "Queen Street"), true),
      new Country("SG", "APAC", "SGD", "65", List.of("Singapore"), "999999",
          List.of("Orchard Road", "Bukit Timah Road", "Marina Boulevard"), true),
      new Country("BR", "LATAM", "BRL", "55", List.of("São Paulo", "Rio de Janeiro", "Curitiba"),
          "99999-999", List.of("Avenida Paulista", "Rua Augusta", "Rua das Flores"), false),
      new Country("MX", "LATAM", "MXN", "52",
          List.of("Ciudad de México", "Guadalajara", "Monterrey"), "99999",
          List.of("Avenida Reforma", "Calle Juárez", "Calle Hidalgo"), false));

  static final List<String> FIRST_NAMES = List.of(
      "Anna", "Ben", "Chloé", "David", "Elif", "Felix", "Grace", "Hiro", "Isabel", "Jonas", "Kenji",
      "Laura", "Mateo", "Nora", "Oliver", "Priya", "Quentin", "Rosa", "Sofia", "Tomás", "Uma",
      "Victor", "Wei", "Yusuf", "Zoë");

  static final List<String> LAST_NAMES = List.of(
      "Müller", "Smith", "García", "Rossi", "Dubois", "Tanaka", "O'Brien", "Kowalski", "Silva",
      "Nguyen", "Jansen", "Novak", "Brown", "Fernández", "Schmidt", "Sato", "Murphy", "Lopez",
      "Bianchi", "Martin");

  static final List<String> EMAIL_DOMAINS = List.of("example.com", "example.org", "example.net");

  static final List<String> MERCHANT_ADJECTIVES = List.of(
      "Blue", "Golden", "Northern", "Silver", "Green", "Urban", "Royal", "Little", "Sunny",
      "Old Town");

  static final List<String> MERCHANT_NOUNS = List.of(
      "Harbor", "Oak", "River", "Maple", "Summit", "Lantern", "Meadow", "Anchor", "Falcon",
      "Miller's");

  /** A kind of business and its merchant category code (ISO 18245). */
  record MerchantKind(String word, String mcc) {}

  static final List<MerchantKind> MERCHANT_KINDS = List.of(
      new MerchantKind("Coffee", "5814"),
      new MerchantKind("Grocers", "5411"),
      new MerchantKind("Books", "5942"),
      new MerchantKind("Electronics", "5732"),
      new MerchantKind("Hotel", "7011"),
      new MerchantKind("Fuel", "5541"),
      new MerchantKind("Airlines", "4511"),
      new MerchantKind("Pharmacy", "5912"),
      new MerchantKind("Bistro", "5812"),
      new MerchantKind("Outfitters", "5651"),
      new MerchantKind("Cinema", "7832"),
      new MerchantKind("Taxi", "4121"));

  static final List<String> CARD_STATUSES = List.of("active", "blocked", "lost");
  static final List<String> DISPUTE_REASONS = List.of(
      "fraud", "not_received", "duplicate", "not_as_described", "credit_not_processed",
      "subscription_cancelled");
  static final List<String> DISPUTE_STATUSES = List.of("open", "under_review", "won", "lost");

  /** The country with this ISO code. */
  static Country country(String code) {
    for (Country country : COUNTRIES) {
      if (country.code().equals(code)) {
        return country;
      }
    }
    throw new IllegalArgumentException("no demo country " + code);
  }

  /** Lower-case ASCII letters only: what a name looks like in an e-mail address. */
  static String emailPart(String name) {
    String decomposed = Normalizer.normalize(name, Normalizer.Form.NFD);
    return decomposed.replaceAll("[^A-Za-z]", "").toLowerCase(Locale.ROOT);
  }

  /** {@code pattern} with every 9 replaced by a digit and every A by a capital letter. */
  static String fill(String pattern, DemoRandom random) {
    StringBuilder out = new StringBuilder(pattern.length());
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '9') {
        out.append((char) ('0' + random.nextInt(10)));
      } else if (c == 'A') {
        out.append((char) ('A' + random.nextInt(26)));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
