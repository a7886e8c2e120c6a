# Le wiki des Écossolies — les deux commandes : make run, make test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8080
STAMP := $(VENV)/.requirements-installed

.PHONY: charge run serve test lint instance venv admin groupe reindex check-index import-fiches bench clean-instance sauvegarde restauration audit
WORKERS ?= 4
THREADS ?= 32

## make run : environnement, instance (avec son contenu initial) et serveur sur http://$(HOST):$(PORT)
run: instance
	$(BIN)/moin run --host $(HOST) --port $(PORT)

## make serve : le wiki en production (gunicorn, $(WORKERS) processus de $(THREADS) fils) sur $(HOST):$(PORT) ;
## réglages dans l'environnement ou dans production.env (ignoré par git, voir README) ; MALLOC_ARENA_MAX : deux
## réserves de mémoire de la libc par processus, pas une par fil (au-delà, la mémoire libérée par 32 fils reste prise)
serve: instance
	$(BIN)/python -m plugins.operations.cli preparer-production
	ECOSSOLIES_HTTPS=$${ECOSSOLIES_HTTPS:-1} MALLOC_ARENA_MAX=$${MALLOC_ARENA_MAX:-2} $(BIN)/gunicorn --workers $(WORKERS) --threads $(THREADS) --bind $(HOST):$(PORT) --timeout 120 \
		--control-socket wiki/gunicorn.ctl \
		--graceful-timeout 30 --access-logfile - wsgi:application

## make test : toute la suite de tests et la vérification du style (ruff)
test: venv
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

venv: $(STAMP) translations/fr/LC_MESSAGES/messages.mo

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

## the French catalogue is compiled at set-up (and again whenever its .po changes)
translations/fr/LC_MESSAGES/messages.mo: translations/fr/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/python -m plugins.operations.i18n

## l'instance (wiki/) est créée une fois ; ensuite elle est réutilisée telle quelle
instance: venv
	@test -d wiki/index || $(BIN)/moin index-create
	@test -f wiki/.contenu-initial-charge || ($(BIN)/python -m plugins.operations.cli seed && touch wiki/.contenu-initial-charge)

## make admin NAME=… EMAIL=… PASSWORD=… : un compte dans le groupe des administrateurs
admin: instance
	@test -n "$(NAME)" -a -n "$(EMAIL)" -a -n "$(PASSWORD)" || (echo "Usage : make admin NAME=… EMAIL=… PASSWORD=…" && exit 2)
	$(BIN)/python -m plugins.operations.cli admin --name "$(NAME)" --email "$(EMAIL)" --password "$(PASSWORD)"

## make groupe NOM=… MEMBRES=a,b : un groupe de travail (groupe moin, espace GroupesDeTravail/NOM)
groupe: instance
	@test -n "$(NOM)" || (echo "Usage : make groupe NOM=… MEMBRES=compte1,compte2" && exit 2)
	$(BIN)/python -m plugins.operations.cli groupe --nom "$(NOM)" --membres "$(MEMBRES)"

## make reindex : reconstruit l'index structuré depuis le stockage de moin
reindex: instance
	$(BIN)/python -m plugins.operations.cli reindex

## make check-index : compare l'index structuré au stockage (code 1 s'ils diffèrent)
check-index: instance
	$(BIN)/python -m plugins.operations.cli verifier-index

# the subsidies (financements)
.PHONY: import-subventions import-communes-siret bench-financements

## make import-subventions FILE=fichier.csv [ORIGINE=https://…] [ESSAI=1] : subventions au format SCDL, tout ou rien (ESSAI=1 : dit ce qu'il a trouvé sans rien écrire)
import-subventions: instance
	@test -n "$(FILE)" || (echo "Usage : make import-subventions FILE=subventions.csv [ORIGINE=https://…]" && exit 2)
	$(BIN)/python -m plugins.operations.cli import-subventions $(FILE) --origine "$(ORIGINE)" $(if $(ESSAI),--essai,)

## make import-communes-siret FILE=table.csv : la commune des bénéficiaires sans fiche (colonnes siret;commune)
import-communes-siret: instance
	@test -n "$(FILE)" || (echo "Usage : make import-communes-siret FILE=table.csv" && exit 2)
	$(BIN)/python -m plugins.operations.cli import-communes-siret "$(FILE)" --origine "$(ORIGINE)"

## make bench-financements : import de 50 000 subventions et rendu de <<Financements>> (aussi lancé par make bench)
bench-financements: venv
	$(BIN)/python benchmarks/financements.py
bench: bench-financements

.PHONY: bench-mutualisation
## make bench-mutualisation : précision des rapprochements besoins/offres sur le jeu jugé, et temps sur 2 000 fiches
bench-mutualisation: venv
	$(BIN)/python benchmarks/mutualisation.py
bench: bench-mutualisation
## make bench-debat : rendu d'une position débattue (200 arguments) et de son flux (aussi lancé par make bench)
.PHONY: bench-debat
bench-debat: venv
	$(BIN)/python benchmarks/debat.py
bench: bench-debat

## make import-fiches FILE=fiches.csv [TYPE=lieu] (ou un dossier de pages) : tout ou rien ; l'export CSV de tout type se réimporte tel quel
import-fiches: instance
	@test -n "$(FILE)" || (echo "Usage : make import-fiches FILE=fiches.csv" && exit 2)
	$(BIN)/python -m plugins.operations.cli import-fiches "$(FILE)" --type "$(or $(TYPE),fiche)"

## make charge : test de charge du serveur de production (gunicorn sur 127.0.0.1), notre mélange puis celui de moin
charge: venv
	$(BIN)/python benchmarks/charge.py

## make sauvegarde FICHIER=… : tout le wiki (pages, historique, comptes) dans un fichier, au format de moin
sauvegarde: venv
	@test -n "$(FICHIER)" || (echo "Usage : make sauvegarde FICHIER=sauvegarde.moin" && exit 2)
	$(BIN)/python -m plugins.operations.cli sauvegarder "$(FICHIER)"

## make restauration FICHIER=… : une sauvegarde dans une instance neuve (wiki/ sans pages), index reconstruits
restauration: venv
	@test -n "$(FICHIER)" || (echo "Usage : make restauration FICHIER=sauvegarde.moin" && exit 2)
	@test -d wiki/index || $(BIN)/moin index-create
	$(BIN)/python -m plugins.operations.cli restaurer "$(FICHIER)"
	touch wiki/.contenu-initial-charge

## make bench : les mesures de performance (hors tests), comparées à moin dans la même exécution
bench: venv
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/carte.py
	$(BIN)/python benchmarks/recherche.py

lint: venv
	$(BIN)/ruff check .

## make audit : vulnérabilités connues des dépendances (pip-audit) et code dangereux (bandit : YAML, shell…)
AUDIT_VENV := .venv-audit
$(AUDIT_VENV)/.installed: requirements-audit.txt
	test -x $(AUDIT_VENV)/bin/python || $(PYTHON) -m venv $(AUDIT_VENV)
	$(AUDIT_VENV)/bin/python -m pip install --quiet -r requirements-audit.txt
	touch $@

## bandit on benchmarks/ also skips what a measuring harness does on purpose: B101 asserts that check what is
## measured, B311 random sample pages, B105/B106 throwaway keys and passwords of test wikis, B404/B603/B607
## starting our own server and tools by fixed argument lists (never a shell: B602/B605 stay on), B310 reading
## that server on 127.0.0.1
BENCH_BANDIT_SKIPS := B101,B311,B406,B105,B106,B404,B603,B607,B310
audit: $(AUDIT_VENV)/.installed
	$(AUDIT_VENV)/bin/bandit -c pyproject.toml -r plugins macros wikiconfig.py .ci/audit.py -q
	$(AUDIT_VENV)/bin/bandit -c pyproject.toml -r benchmarks -s $(BENCH_BANDIT_SKIPS) -q
	$(AUDIT_VENV)/bin/python .ci/audit.py requirements.txt
