"""The product team's flag inbox and listing pages."""

STRINGS: dict[str, tuple[str, str]] = {
    "flags.inbox_title": ("Signalements de fiches produit", "Listing flags"),
    "flags.inbox_intro": (
        "Les demandes de correction envoyées par les vendeurs et le service client, en direct.",
        "Correction requests from sellers and customer service, live.",
    ),
    "flags.group_by_listing": ("Regrouper par fiche", "Group by listing"),
    "flags.empty": ("Aucun signalement à afficher.", "No flags to show."),
    "flags.open_count": ("à traiter", "to handle"),
    "flags.flags_count": ("signalements", "flags"),
    "flags.shop": ("Boutique", "Shop"),
    "flags.listing_sku": ("Référence", "SKU"),
    "flags.listing_price": ("Prix", "Price"),
    "flags.listing_flags": ("Signalements", "Flags"),
    "flags.listing_incidents": ("Incidents concernés", "Incidents concerned"),
    "flags.listing_no_incidents": ("Aucun incident lié.", "No related incident."),
}
