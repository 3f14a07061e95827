"""The advisory vote of a discussion in the API (docs/votes.md): its questions, and their results
once closed. No ballot and no voter is ever given; a small group of the turnout, and the groups
that would give it away, have no number."""

from rest_framework import serializers

from veche.discussions.models import VoteQuestion


class TurnoutCellSerializer(serializers.Serializer):
    label = serializers.CharField()
    count = serializers.IntegerField(
        allow_null=True,
        help_text=(
            "Null for a hidden group: one of fewer people than VECHE_VOTE_SMALL_CELL, or an "
            "empty or the next smallest group beside it, so that the total minus the groups "
            "shown gives no small group away. Every hidden group reads the same."
        ),
    )


class OptionResultSerializer(serializers.Serializer):
    text = serializers.CharField()
    count = serializers.IntegerField(help_text="Ballots choosing it (rank: placing it first).")
    share = serializers.FloatField(help_text="Percent of the people who voted.")
    points = serializers.IntegerField(allow_null=True, help_text="Rank: Borda points.")
    mean_place = serializers.FloatField(allow_null=True, help_text="Rank: the average place.")


class ScaleResultSerializer(serializers.Serializer):
    value = serializers.IntegerField()
    count = serializers.IntegerField()
    share = serializers.FloatField()


class VoteResultsSerializer(serializers.Serializer):
    voters = serializers.IntegerField()
    options = OptionResultSerializer(many=True)
    scale = ScaleResultSerializer(many=True)
    mean = serializers.FloatField(allow_null=True)
    median = serializers.FloatField(allow_null=True)
    method = serializers.CharField(help_text="How a ranking is counted.")
    by_area = TurnoutCellSerializer(
        many=True,
        help_text="Every part of the territory, the territory itself and elsewhere; empty when "
        "too few voted to break the turnout down.",
    )
    by_age = TurnoutCellSerializer(
        many=True,
        help_text="Every age band and 'age not stated'; empty when too few voted to break the "
        "turnout down.",
    )


class VoteQuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=VoteQuestion.Kind.choices)
    text = serializers.CharField()
    note = serializers.CharField()
    options = serializers.ListField(child=serializers.CharField())
    scale_min = serializers.IntegerField(allow_null=True)
    scale_max = serializers.IntegerField(allow_null=True)
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    state = serializers.ChoiceField(choices=["draft", "waiting", "open", "closed", "cancelled"])
    advisory = serializers.BooleanField(help_text="Always true: the results do not bind.")
    results = VoteResultsSerializer(allow_null=True, help_text="Null until the voting closes.")
