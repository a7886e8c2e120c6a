def test_fiche_renders(wiki, client):
    wiki.save(
        "Essai",
        "---\ntype: fiche\nnom: La Ressourcerie\ncommune: reze\nsecteurs: [Récup, Culture]\n---\nTexte **libre**.\n",
    )
    r = client.get("/Essai")
    html = r.get_data(as_text=True)
    print(html[html.find("eco-carte") - 200 : html.find("eco-carte") + 3000])
    assert "La Ressourcerie" in html
    assert "Rezé" in html
    assert "type: fiche" not in html
    wiki.save("Liste", "<<Classeur>>\n")
    r = client.get("/Liste")
    html = r.get_data(as_text=True)
    i = html.find("eco-classeur")
    print(html[i - 100 : i + 4000])
    assert "La Ressourcerie" in html[i:]
