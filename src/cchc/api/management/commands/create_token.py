"""cchc create_token USERNAME [--name N] [--days D]: a personal API token, printed once."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cchc.api import services


class Command(BaseCommand):
    help = "Tạo mã truy cập API cho một người dùng và in mã ra (chỉ một lần)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="Dòng lệnh", help="tên của mã truy cập")
        parser.add_argument("--days", type=int, default=90, help="thời hạn, tính bằng ngày")

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"Không có người dùng “{options['username']}”.")
        try:
            token, plain = services.token_create(
                actor=None, owner=user, name=options["name"], days=options["days"]
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stderr.write(f"Hết hạn {token.expires_at:%d/%m/%Y}. Mã chỉ hiện một lần:")
        self.stdout.write(plain)
