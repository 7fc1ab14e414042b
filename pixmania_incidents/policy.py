"""The marketplace's incident policy, as data.

Why: the policy (``shared/policy/gestion-des-incidents.fr.txt``) is the source of truth;
keeping it in one table lets every page, service and test read the same rules instead of
re-deriving them in scattered ``if`` chains. Checklist steps keep the policy's own French
wording next to an English label. Pure Python: no Reflex, no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType


class IncidentType(StrEnum):
    not_received = "not_received"
    defective = "defective"
    not_as_described = "not_as_described"
    refund_not_processed = "refund_not_processed"
    wrong_item = "wrong_item"
    damaged = "damaged"


class Solution(StrEnum):
    refund_full = "refund_full"
    refund_partial = "refund_partial"
    replacement = "replacement"
    reship = "reship"
    return_and_refund = "return_and_refund"


class DecisionOutcome(StrEnum):
    """An arbitration decision: any solution, or ``no_action`` (the seller was right)."""

    refund_full = "refund_full"
    refund_partial = "refund_partial"
    replacement = "replacement"
    reship = "reship"
    return_and_refund = "return_and_refund"
    no_action = "no_action"


#: Solutions whose amount is chosen by the seller/arbitrator. For ``refund_full`` and
#: ``return_and_refund`` the amount is what is left of the line total (refunds on one line
#: never add up to more than the line total).
AMOUNT_SOLUTIONS: frozenset[Solution] = frozenset({Solution.refund_partial})

#: (fr, en) labels of every solution and decision outcome, keyed by code.
SOLUTION_LABELS: dict[str, tuple[str, str]] = {
    DecisionOutcome.refund_full: ("Remboursement intégral", "Full refund"),
    DecisionOutcome.refund_partial: ("Remboursement partiel", "Partial refund"),
    DecisionOutcome.replacement: ("Remplacement", "Replacement"),
    DecisionOutcome.reship: ("Réexpédition", "Reship"),
    DecisionOutcome.return_and_refund: ("Retour et remboursement", "Return and refund"),
    DecisionOutcome.no_action: ("Aucune action (le vendeur avait raison)", "No action (the seller was right)"),
}


class StepAction(StrEnum):
    """Seller actions that tick a checklist step automatically when performed."""

    carrier_check = "carrier_check"
    carrier_inquiry = "carrier_inquiry"
    public_message = "public_message"
    return_label = "return_label"
    replacement_shipment = "replacement_shipment"
    refund = "refund"
    listing_flag = "listing_flag"
    proposal = "proposal"


# --- timing (SPEC section 3) -------------------------------------------------------------

RESPONSE_TARGET_HOURS = 24
RESPONSE_MAX_HOURS = 48
CUSTOMER_ANSWER_BUSINESS_DAYS = 5
CUSTOMER_REMINDER_BUSINESS_DAYS = 3
ARBITRATION_DECISION_BUSINESS_DAYS = 2
STATEMENT_WINDOW_BUSINESS_DAYS = 2
RETURN_LABEL_HOURS = 24
SHIPMENT_BUSINESS_DAYS = 2
REFUND_HOURS = 48
CUSTOMER_RETURN_DAYS = 14
#: The customer is reminded this many business days before the return is due (SPEC 8.1).
RETURN_REMINDER_BUSINESS_DAYS = 3
RETURN_AUTO_RECEIVED_BUSINESS_DAYS = 3
AUTO_CLOSE_DAYS = 7
#: A missed return closes the case this many days after the breach (SPEC 8.1).
RETURN_NOT_SENT_CLOSE_DAYS = 7
#: A deadline is at risk in the last quarter of its span, and in its last 24 h at most (SPEC 8.6).
AT_RISK_SHARE = 4
AT_RISK_HOURS = 24
#: How far ahead an arbitrator may set an obligation's deadline.
LATEST_DUE_DAYS = 365


# --- evidence ----------------------------------------------------------------------------


class EvidenceKind(StrEnum):
    """What a file is as evidence: a photo (any image) or a document (a PDF)."""

    photo = "photo"
    document = "document"


# --- the table of types ------------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistStep:
    """One playbook step.

    ``mandatory`` steps (bold in SPEC section 2) block closure until ticked. Steps tied to a
    solution (``required_by``) become mandatory once that solution is accepted or decided.
    ``action`` names the seller action that ticks the step by itself; ``also_ticked_by``
    lists further actions that do (e.g. "send a replacement or refund" is ticked by either).
    Use :meth:`ticked_by` rather than comparing ``action`` directly.
    """

    code: str
    fr: str
    en: str
    mandatory: bool = False
    required_by: frozenset[Solution] = frozenset()
    action: StepAction | None = None
    also_ticked_by: frozenset[StepAction] = frozenset()

    def is_required(self, solution: str | None = None) -> bool:
        """Whether closure needs this step, given the accepted/decided solution (if any)."""
        return self.mandatory or (solution is not None and solution in self.required_by)

    def ticked_by(self, action: str) -> bool:
        """Whether performing seller ``action`` ticks this step."""
        return action == self.action or action in self.also_ticked_by


@dataclass(frozen=True)
class TypePolicy:
    """Everything the policy says about one incident type."""

    code: IncidentType
    label_fr: str
    label_en: str
    summary_fr: str
    summary_en: str
    checklist: tuple[ChecklistStep, ...]
    solutions: tuple[Solution, ...]
    evidence_fr: str
    evidence_en: str
    resolution_business_days: int = 3
    response_target_hours: int = RESPONSE_TARGET_HOURS
    response_max_hours: int = RESPONSE_MAX_HOURS
    flag_suggested: bool = False
    #: Evidence the opening must carry, at least one file of each kind (SPEC 8.3).
    required_evidence: frozenset[EvidenceKind] = frozenset()

    def __post_init__(self) -> None:
        codes = [step.code for step in self.checklist]
        if len(set(codes)) != len(codes):
            raise ValueError(f"{self.code}: duplicate checklist step codes {codes}")
        for step in self.checklist:
            stray = step.required_by - set(self.solutions)
            if stray:
                raise ValueError(f"{self.code}.{step.code}: required by unoffered {sorted(stray)}")

    @property
    def photos_required(self) -> bool:
        return EvidenceKind.photo in self.required_evidence

    def missing_evidence(self, kinds: Iterable[str]) -> frozenset[EvidenceKind]:
        """The required kinds of evidence that the files of `kinds` do not provide."""
        return self.required_evidence - set(kinds)

    def step(self, code: str) -> ChecklistStep:
        """The checklist step with this code (KeyError if the type has none)."""
        for step in self.checklist:
            if step.code == code:
                return step
        raise KeyError(f"{self.code} has no checklist step {code!r}")

    def required_steps(self, solution: str | None = None) -> tuple[ChecklistStep, ...]:
        """Steps that must be ticked before closure, given the accepted/decided solution."""
        return tuple(step for step in self.checklist if step.is_required(solution))

    def steps_ticked_by(self, action: str) -> tuple[ChecklistStep, ...]:
        """Steps that performing seller ``action`` ticks automatically."""
        return tuple(step for step in self.checklist if step.ticked_by(action))


_S = Solution
_A = StepAction
_RETURN = frozenset({_S.replacement, _S.return_and_refund})


def _informing(code: str, fr: str, en: str) -> ChecklistStep:
    """A "keep the customer informed" step: any public message ticks it, a proposal too."""
    return ChecklistStep(
        code, fr, en, mandatory=True, action=_A.public_message, also_ticked_by=frozenset({_A.proposal})
    )


_POLICIES: tuple[TypePolicy, ...] = (
    TypePolicy(
        code=IncidentType.not_received,
        label_fr="Article non reçu",
        label_en="Item not received",
        summary_fr=(
            "En tant que vendeur, vous êtes responsable du transport. Par conséquent, vous "
            "devez fournir des informations de suivi ainsi que résoudre les problèmes de "
            "livraison avec le transporteur."
        ),
        summary_en=(
            "As the seller, you are responsible for shipping: you must provide tracking "
            "information and resolve delivery problems with the carrier."
        ),
        resolution_business_days=7,
        checklist=(
            ChecklistStep(
                "check_carrier",
                "Vérifiez l’état de la livraison avec le transporteur.",
                "Check the delivery status with the carrier.",
                mandatory=True,
                action=_A.carrier_check,
            ),
            ChecklistStep(
                "carrier_inquiry",
                "Contactez le transporteur pour obtenir des précisions et ouvrez une enquête si nécessaire.",
                "Contact the carrier for details and open an inquiry if needed.",
                action=_A.carrier_inquiry,
            ),
            _informing(
                "keep_informed",
                "Tenez le client informé de l’évolution de la situation.",
                "Keep the customer informed of how things are progressing.",
            ),
        ),
        solutions=(_S.reship, _S.refund_full),
        evidence_fr=(
            "Aucune pièce obligatoire ; précisez si le colis a été signalé livré et joignez "
            "tout échange avec le transporteur."
        ),
        evidence_en=(
            "Nothing required; say whether the parcel was reported delivered and attach any exchange with the carrier."
        ),
    ),
    TypePolicy(
        code=IncidentType.defective,
        label_fr="Article défectueux",
        label_en="Defective item",
        summary_fr=("Vous êtes responsable de traiter les retours ou les remplacements pour les produits défectueux."),
        summary_en="You are responsible for handling returns or replacements of defective products.",
        checklist=(
            ChecklistStep(
                "return_label",
                "Organisez le retour du produit défectueux à vos frais en fournissant un bordereau de retour.",
                "Arrange the return of the defective item at your cost by providing a return label.",
                required_by=_RETURN,
                action=_A.return_label,
            ),
            ChecklistStep(
                "replace_or_refund",
                "Envoyez un produit de remplacement ou effectuez un remboursement.",
                "Send a replacement or make a refund.",
                mandatory=True,
                required_by=frozenset({_S.replacement, _S.return_and_refund, _S.refund_full, _S.refund_partial}),
                action=_A.replacement_shipment,
                also_ticked_by=frozenset({_A.refund}),
            ),
            _informing(
                "communicate",
                "Communiquez clairement avec le client à chaque étape du processus.",
                "Communicate clearly with the customer at each step.",
            ),
        ),
        solutions=(_S.replacement, _S.return_and_refund, _S.refund_full, _S.refund_partial),
        evidence_fr="Photos (ou vidéo) montrant le défaut.",
        evidence_en="Photos (or a video) showing the defect.",
        required_evidence=frozenset({EvidenceKind.photo}),
    ),
    TypePolicy(
        code=IncidentType.not_as_described,
        label_fr="Article non conforme à la description",
        label_en="Item not as described",
        summary_fr=("En cas de produit non conforme, vous devez proposer un remboursement ou un remplacement."),
        summary_en="When a product does not match its description, you must offer a refund or a replacement.",
        checklist=(
            ChecklistStep(
                "compare_listing",
                "Comparez le produit reçu avec sa description sur le site.",
                "Compare the item received with its listing on the site.",
                mandatory=True,
            ),
            ChecklistStep(
                "flag_listing",
                "Remontez à l’équipe produit si une modification est nécessaire sur la fiche.",
                "Flag the product team if the listing needs a change.",
                action=_A.listing_flag,
            ),
            ChecklistStep(
                "propose_solution",
                "Proposez des solutions au client (remboursement ou remplacement) et, en cas "
                "de remplacement, fournissez un bordereau de retour à vos frais.",
                "Offer the customer a solution (refund or replacement); for a replacement, "
                "provide a return label at your cost.",
                mandatory=True,
                action=_A.proposal,
            ),
        ),
        solutions=(_S.return_and_refund, _S.replacement, _S.refund_partial),
        evidence_fr="Photos du produit reçu montrant l’écart avec la description.",
        evidence_en="Photos of the item received showing how it differs from the description.",
        flag_suggested=True,
    ),
    TypePolicy(
        code=IncidentType.refund_not_processed,
        label_fr="Remboursement/Retour non traité",
        label_en="Refund/return not processed",
        summary_fr="Il est essentiel de gérer rapidement les demandes de remboursement ou de retour.",
        summary_en="Refund and return requests must be handled quickly.",
        checklist=(
            ChecklistStep(
                "check_pending_refunds",
                "Vérifiez les demandes de remboursement en attente.",
                "Check pending refund requests.",
                mandatory=True,
            ),
            ChecklistStep(
                "process_refund",
                "Traitez les retours et effectuez les remboursements dans les 48 heures suivant réception du retour.",
                "Process the return and refund within 48 hours of receiving it.",
                required_by=frozenset({_S.refund_full, _S.refund_partial}),
                action=_A.refund,
            ),
            _informing(
                "inform_customer",
                "Informez le client de l’état de sa demande.",
                "Inform the customer of the status of their request.",
            ),
        ),
        solutions=(_S.refund_full, _S.refund_partial),
        evidence_fr="Preuve du retour (numéro de suivi, récépissé de dépôt) ou de la demande de remboursement.",
        evidence_en="Proof of the return (tracking number, drop-off receipt) or of the refund request.",
    ),
    TypePolicy(
        code=IncidentType.wrong_item,
        label_fr="Article reçu n’est pas celui commandé",
        label_en="Wrong item received",
        summary_fr=(
            "Corrigez les erreurs d’expédition en envoyant le produit correct ou en proposant un remboursement."
        ),
        summary_en="Correct shipping errors by sending the right product or offering a refund.",
        checklist=(
            ChecklistStep(
                "identify_error",
                "Identifiez l’erreur d’expédition.",
                "Identify the shipping error.",
                mandatory=True,
            ),
            ChecklistStep(
                "flag_listing",
                "Remontez à l’équipe produit si une modification urgente est nécessaire sur la fiche.",
                "Flag the product team if the listing needs an urgent change.",
                action=_A.listing_flag,
            ),
            ChecklistStep(
                "ship_right_item",
                "Organisez l’envoi du bon produit en fournissant un bordereau de retour prépayé au client.",
                "Ship the right item and give the customer a prepaid return label.",
                required_by=frozenset({_S.replacement}),
                action=_A.replacement_shipment,
            ),
            ChecklistStep(
                "handle_return",
                "Gérez le retour de l’article incorrect.",
                "Handle the return of the wrong item.",
                required_by=_RETURN,
                action=_A.return_label,
            ),
        ),
        solutions=(_S.replacement, _S.return_and_refund),
        evidence_fr="Photos de l’article reçu et de son étiquette (référence).",
        evidence_en="Photos of the item received and of its label (reference).",
        flag_suggested=True,
    ),
    TypePolicy(
        code=IncidentType.damaged,
        label_fr="Article endommagé",
        label_en="Damaged item",
        summary_fr=("Pour les articles endommagés pendant la livraison, assurez un retour et un remplacement rapide."),
        summary_en="For items damaged in transit, ensure a quick return and replacement.",
        checklist=(
            ChecklistStep(
                "check_condition",
                "Vérifiez l’état de l’article endommagé.",
                "Check the condition of the damaged item (customer photos).",
                mandatory=True,
            ),
            ChecklistStep(
                "return_label",
                "Organisez le retour de l’article endommagé en fournissant un bordereau de retour prépayé.",
                "Arrange the return of the damaged item with a prepaid return label.",
                required_by=_RETURN,
                action=_A.return_label,
            ),
            ChecklistStep(
                "ship_replacement",
                "Gérez l’envoi du produit correct.",
                "Ship the replacement item.",
                required_by=frozenset({_S.replacement}),
                action=_A.replacement_shipment,
            ),
            _informing(
                "inform_customer",
                "Informez le client des étapes à suivre.",
                "Tell the customer the next steps.",
            ),
        ),
        solutions=(_S.replacement, _S.return_and_refund, _S.refund_partial),
        evidence_fr="Photos de l’article endommagé et de son emballage.",
        evidence_en="Photos of the damaged item and of its packaging.",
        required_evidence=frozenset({EvidenceKind.photo}),
    ),
)

#: The one table of types, in policy order.
TYPES: Mapping[IncidentType, TypePolicy] = MappingProxyType({p.code: p for p in _POLICIES})


class UnknownType(ValueError):
    """An incident type code that the policy does not define."""


def type_policy(code: str) -> TypePolicy:
    """The policy of incident type ``code`` (an :class:`IncidentType` or its string)."""
    try:
        return TYPES[IncidentType(code)]
    except ValueError:
        allowed = ", ".join(TYPES)
        raise UnknownType(f"unknown incident type {code!r} (expected one of: {allowed})") from None


# --- obligations -------------------------------------------------------------------------


class ObligationKind(StrEnum):
    """What an accepted proposal or a decision obliges a party to do (SPEC section 3)."""

    return_label = "return_label"  # seller, 24 h
    replacement_shipment = "replacement_shipment"  # seller, 2 business days (also reship)
    refund = "refund"  # seller, 48 h (return_and_refund: 48 h after the return is received)
    customer_return = "customer_return"  # customer, 14 days


OBLIGATION_HOLDER: Mapping[ObligationKind, str] = MappingProxyType(
    {
        ObligationKind.return_label: "seller",
        ObligationKind.replacement_shipment: "seller",
        ObligationKind.refund: "seller",
        ObligationKind.customer_return: "customer",
    }
)

#: (fr, en) labels of obligations.
OBLIGATION_LABELS: dict[str, tuple[str, str]] = {
    ObligationKind.return_label: ("Émettre le bordereau de retour prépayé", "Issue the prepaid return label"),
    ObligationKind.replacement_shipment: ("Expédier l’article", "Ship the item"),
    ObligationKind.refund: ("Rembourser", "Refund"),
    ObligationKind.customer_return: ("Renvoyer l’article avec le bordereau", "Send the item back with the label"),
}


class ObligationStart(StrEnum):
    """What starts an obligation's clock."""

    agreed = "agreed"  # the solution is accepted or decided
    label = "label"  # a prepaid return label exists (the customer's 14 days)
    receipt = "receipt"  # the return is received (the refund of a return): it waits on the return


_O = ObligationKind
_AGREED, _LABEL, _RECEIPT = ObligationStart.agreed, ObligationStart.label, ObligationStart.receipt
_OBLIGATIONS: Mapping[str, tuple[tuple[ObligationKind, ObligationStart], ...]] = MappingProxyType(
    {
        DecisionOutcome.refund_full: ((_O.refund, _AGREED),),
        DecisionOutcome.refund_partial: ((_O.refund, _AGREED),),
        DecisionOutcome.replacement: (
            (_O.return_label, _AGREED),
            (_O.replacement_shipment, _AGREED),
            (_O.customer_return, _LABEL),
        ),
        DecisionOutcome.reship: ((_O.replacement_shipment, _AGREED),),
        DecisionOutcome.return_and_refund: (
            (_O.return_label, _AGREED),
            (_O.customer_return, _LABEL),
            (_O.refund, _RECEIPT),
        ),
        DecisionOutcome.no_action: (),
    }
)


def _obligations(solution: str) -> tuple[tuple[ObligationKind, ObligationStart], ...]:
    try:
        return _OBLIGATIONS[DecisionOutcome(solution)]
    except ValueError:
        raise ValueError(f"unknown solution {solution!r} (expected one of: {', '.join(_OBLIGATIONS)})") from None


def obligations_for(solution: str) -> tuple[ObligationKind, ...]:
    """Obligations created when ``solution`` (or a decision outcome) is accepted or decided."""
    return tuple(kind for kind, _ in _obligations(solution))


def obligation_start(solution: str, kind: str) -> ObligationStart:
    """What starts the clock of obligation ``kind`` of ``solution``: for ``return_and_refund``
    the refund's 48 h run from the return's receipt, the customer's 14 days from the label."""
    for known, start in _obligations(solution):
        if known == kind:
            return start
    raise ValueError(f"{solution!r} creates no {kind!r} obligation")


__all__ = [
    "AMOUNT_SOLUTIONS",
    "ARBITRATION_DECISION_BUSINESS_DAYS",
    "AT_RISK_HOURS",
    "AT_RISK_SHARE",
    "AUTO_CLOSE_DAYS",
    "CUSTOMER_ANSWER_BUSINESS_DAYS",
    "CUSTOMER_REMINDER_BUSINESS_DAYS",
    "CUSTOMER_RETURN_DAYS",
    "ChecklistStep",
    "DecisionOutcome",
    "EvidenceKind",
    "IncidentType",
    "LATEST_DUE_DAYS",
    "OBLIGATION_HOLDER",
    "OBLIGATION_LABELS",
    "ObligationKind",
    "ObligationStart",
    "REFUND_HOURS",
    "RESPONSE_MAX_HOURS",
    "RESPONSE_TARGET_HOURS",
    "RETURN_AUTO_RECEIVED_BUSINESS_DAYS",
    "RETURN_LABEL_HOURS",
    "RETURN_NOT_SENT_CLOSE_DAYS",
    "RETURN_REMINDER_BUSINESS_DAYS",
    "SHIPMENT_BUSINESS_DAYS",
    "SOLUTION_LABELS",
    "STATEMENT_WINDOW_BUSINESS_DAYS",
    "Solution",
    "StepAction",
    "TYPES",
    "TypePolicy",
    "UnknownType",
    "obligation_start",
    "obligations_for",
    "type_policy",
]
