"""The demo program that `manage.py seed_demo` loads: written for this site, in the
instructor's voice, so a newcomer sees a complete course."""

PROGRAM = {
    "slug": "heal-your-hips",
    "title": "Heal Your Hips",
    "tagline": "Eight weeks to hips that feel strong, free and trustworthy again, "
    "from the ground up.",
    "description": (
        "Chronic hip pain and tightness rarely start, or heal, at the hip. Your feet, ankles, "
        "pelvis, breath and core all take part in every step you take, so this program trains "
        "them together.\n\n"
        "Each week opens a short set of follow-along video classes, 15 to 30 minutes long. You "
        "need a mat, a wall and a little floor space. Every class has written cues and a "
        "printable exercise reminder, so you can practise a few moves whenever you have a "
        "spare minute."
    ),
    "audience": (
        "- You have hip pain or tightness that keeps coming back, however much you stretch.\n"
        "- Getting up from a chair, climbing stairs or squatting feels harder than it should.\n"
        "- You want a calm, progressive plan you can follow at home, at your own pace.\n"
        "- You are returning to movement after a flare-up and want to rebuild confidence."
    ),
    "instructor_name": "Maya Ellison",
    "instructor_bio": (
        "Maya is a movement and mobility coach who has helped clients with hip, knee and back "
        "pain for more than ten years, and who worked her own way out of chronic hip and low "
        "back pain. She is happiest nerding out about how the whole body works together, and "
        "turning that science into simple classes that fit into a real day."
    ),
    "price_amount": 14900,
    "currency": "usd",
}

VIDEO_FILE = "/static/video/demo-class.webm"
VIDEO_CAPTIONS = """WEBVTT

00:00.000 --> 00:04.000
Welcome back to your mat. Find a comfortable position.

00:04.000 --> 00:08.000
Breathe out slowly as we begin to move.
"""

# (week title, week summary, [(class title, summary, minutes, [exercise names])])
WEEKS = [
    (
        "Breath, pelvis and gentle mobility",
        "We start quietly: how your pelvis moves, how you breathe, and how to move your hips "
        "without bracing against them.",
        [
            (
                "Meet your pelvis",
                "Find neutral and learn to tilt with ease.",
                18,
                ["Pelvic tilts", "Supine marching", "Knee rocks"],
            ),
            (
                "Breathing for hips",
                "Use your breath to calm guarding muscles.",
                15,
                ["90-90 breathing", "Side-lying rib breathing"],
            ),
            (
                "Gentle hip circles",
                "Take each hip through its full, easy range.",
                20,
                ["Quadruped hip circles", "Hip CARs on your back", "Figure-four rock"],
            ),
        ],
    ),
    (
        "Waking up the glutes",
        "Your glutes steady the pelvis in every step. This week we teach them to switch on.",
        [
            (
                "Glute basics",
                "Bridges and clamshells done with real control.",
                22,
                ["Glute bridge", "Clamshell", "Side-lying leg lift"],
            ),
            (
                "Standing glute work",
                "Bring the work off the floor and into standing.",
                20,
                ["Standing hip hinge", "Wall-supported hip abduction", "Mini squat hold"],
            ),
        ],
    ),
    (
        "Hip flexors: release and strengthen",
        "Tight hip flexors are often weak hip flexors. We soften them, then make them strong.",
        [
            (
                "Front of the hip",
                "Gentle release for the hip flexors and quads.",
                18,
                ["Half-kneeling hip flexor stretch", "Couch stretch with support"],
            ),
            (
                "Strong hip flexors",
                "Lift the leg without gripping the back.",
                20,
                ["Seated knee lifts", "Standing march hold", "Dead bug"],
            ),
            (
                "Flow for the front line",
                "A short flow linking breath and hip extension.",
                15,
                ["Low lunge flow", "Supported bridge walk-outs"],
            ),
        ],
    ),
    (
        "Rotation: your hip's missing range",
        "Most stiff hips have lost rotation. This week we find it again, slowly.",
        [
            (
                "Internal rotation",
                "The range most of us never train.",
                20,
                ["90-90 switches", "Seated internal rotation lifts", "Knee-in drops"],
            ),
            (
                "External rotation",
                "Open the hip without forcing the knee.",
                20,
                ["Pigeon on a box", "Frog rocks", "Clamshell with pause"],
            ),
        ],
    ),
    (
        "Balance and single-leg strength",
        "Walking is a series of single-leg stances. We make each one steady.",
        [
            (
                "Finding your foot tripod",
                "Balance starts at the foot.",
                15,
                ["Tripod foot stance", "Single-leg balance at the wall"],
            ),
            (
                "Single-leg strength",
                "Hinge and reach on one leg.",
                22,
                ["Supported single-leg deadlift", "Step-up", "Lateral step-down"],
            ),
            (
                "Balance flow",
                "Put balance and breath together.",
                18,
                ["Clock reaches", "Airplane with support"],
            ),
            (
                "Walking well",
                "Small cues that change every step.",
                15,
                ["Heel-to-toe walk", "Marching with arm swing"],
            ),
        ],
    ),
    (
        "The squat, rebuilt",
        "Chairs, toilets, the floor: the squat is a daily movement. We rebuild it step by step.",
        [
            (
                "Ankles for squatting",
                "Why the ankle decides how deep you can sit.",
                18,
                ["Knee-to-wall ankle rocks", "Heel-elevated squat"],
            ),
            (
                "Box squats",
                "Sit and stand with control and confidence.",
                22,
                ["Box squat", "Goblet squat hold", "Squat to stand"],
            ),
            (
                "Deep squat practice",
                "Spend comfortable time at the bottom.",
                15,
                ["Supported deep squat", "Squat pry"],
            ),
        ],
    ),
    (
        "Loading with confidence",
        "Strength is what keeps pain away. We add load, sensibly.",
        [
            (
                "Hinge strength",
                "Pick things up without fear.",
                25,
                ["Romanian deadlift", "Hip thrust", "Suitcase carry"],
            ),
            (
                "Lunge patterns",
                "Split stance strength for stairs and hills.",
                22,
                ["Split squat", "Reverse lunge", "Lateral lunge"],
            ),
        ],
    ),
    (
        "Putting it together for daily life",
        "Your own routine: what to keep, what to repeat, and how to keep going.",
        [
            (
                "Full-body hip flow",
                "Everything you have learned in one flow.",
                30,
                ["Cat-cow to child's pose", "World's greatest stretch", "Glute bridge march"],
            ),
            (
                "Your 10-minute daily routine",
                "The short routine to keep for life.",
                12,
                ["Hip CARs standing", "Box squat", "Single-leg balance at the wall"],
            ),
            (
                "Strong for the long run",
                "A stronger session for the days you have more time.",
                28,
                ["Step-up", "Romanian deadlift", "Side plank from knees"],
            ),
        ],
    ),
]

FOOT_AND_ANKLE = (
    "Foot & Ankle class",
    "foot-and-ankle",
    "Your hips start at your feet: mobility and strength from the ground up.",
    25,
    [
        (
            "Toe spreads",
            "Spread your toes as wide as you can, then relax them.",
            {"sets": 2, "reps": 10, "side": "both"},
        ),
        (
            "Big toe lifts",
            "Lift only the big toe, keeping the other four down.",
            {"sets": 2, "reps": 8, "side": "each"},
        ),
        (
            "Short foot",
            "Draw the ball of the foot towards the heel to lift the arch.",
            {"sets": 3, "hold_seconds": 10, "side": "each"},
        ),
        (
            "Ankle circles",
            "Slow, full circles in both directions.",
            {"sets": 1, "reps": 10, "side": "each"},
        ),
        (
            "Calf raises",
            "Rise through the big toe, lower slowly for three counts.",
            {"sets": 3, "reps": 12, "side": "both"},
        ),
        (
            "Knee-to-wall ankle rocks",
            "Keep the heel down as the knee moves towards the wall.",
            {"sets": 2, "reps": 10, "side": "each"},
        ),
        (
            "Towel scrunches",
            "Pull a towel towards you with your toes.",
            {"sets": 2, "reps": 12, "side": "each"},
        ),
        (
            "Heel walks",
            "Walk on your heels with tall posture.",
            {"sets": 2, "hold_seconds": 30, "side": "both"},
        ),
        (
            "Single-leg balance",
            "Stand on one foot with a soft knee and a steady tripod foot.",
            {"sets": 2, "hold_seconds": 30, "side": "each"},
        ),
    ],
)

OTHER_BONUS = [
    (
        "Desk break: hips in 10 minutes",
        "desk-break",
        "A short reset for long sitting days.",
        10,
        ["Seated figure-four", "Standing hip circles", "Wall sit hold"],
    ),
    (
        "Calm breathing reset",
        "calm-breathing",
        "Five minutes to settle a guarded body.",
        8,
        ["Crocodile breathing", "Legs up the wall"],
    ),
]

CLASS_NOTES = (
    "Move slowly and stay in a range that feels like work, not pain. A little effort is good; "
    "sharp or pinching pain means back off.\n\n"
    "**You need:** a mat, a wall nearby, and a cushion or folded towel.\n\n"
    "- Breathe out as you work, in as you return.\n"
    "- Keep your ribs stacked over your pelvis.\n"
    "- Rest as long as you need between sets."
)

CUES = {
    "default": "Move slowly and smoothly\nBreathe out on the effort\nStop if you feel sharp pain",
}
