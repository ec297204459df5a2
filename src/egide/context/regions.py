"""Regions of the UN's geographic scheme (M49 sub-regions), the neighbours a country's indicators are compared
with."""

from egide.core.labels import Term

REGIONS: tuple[Term, ...] = (
    Term("eastern_africa", "Eastern Africa", "Afrique de l’Est"),
    Term("middle_africa", "Middle Africa", "Afrique centrale"),
    Term("northern_africa", "Northern Africa", "Afrique du Nord"),
    Term("southern_africa", "Southern Africa", "Afrique australe"),
    Term("western_africa", "Western Africa", "Afrique de l’Ouest"),
    Term("caribbean", "Caribbean", "Caraïbes"),
    Term("central_america", "Central America", "Amérique centrale"),
    Term("south_america", "South America", "Amérique du Sud"),
    Term("northern_america", "Northern America", "Amérique du Nord"),
    Term("central_asia", "Central Asia", "Asie centrale"),
    Term("eastern_asia", "Eastern Asia", "Asie de l’Est"),
    Term("south_eastern_asia", "South-eastern Asia", "Asie du Sud-Est"),
    Term("southern_asia", "Southern Asia", "Asie du Sud"),
    Term("western_asia", "Western Asia", "Asie de l’Ouest"),
    Term("eastern_europe", "Eastern Europe", "Europe de l’Est"),
    Term("northern_europe", "Northern Europe", "Europe du Nord"),
    Term("southern_europe", "Southern Europe", "Europe du Sud"),
    Term("western_europe", "Western Europe", "Europe de l’Ouest"),
    Term("australia_and_new_zealand", "Australia and New Zealand", "Australie et Nouvelle-Zélande"),
    Term("melanesia", "Melanesia", "Mélanésie"),
    Term("micronesia", "Micronesia", "Micronésie"),
    Term("polynesia", "Polynesia", "Polynésie"),
    Term("antarctica", "Antarctica", "Antarctique"),
)

REGION_BY_CODE = {term.code: term for term in REGIONS}
